/**
 * An OpenFeature provider for web apps (`@openfeature/web-sdk`), on the same live client:
 *
 *   await OpenFeature.setProviderAndWait(new SwitchyardProvider({ clientKey, baseUrl }));
 *   OpenFeature.getClient().getBooleanValue('new-checkout', false);
 */
import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import { SwitchyardClient } from './client';
import type { Context, Detail, Options } from './types';

export class SwitchyardProvider implements Provider {
  readonly metadata = { name: 'switchyard' } as const;
  readonly runsOn = 'client' as const;
  readonly events = new OpenFeatureEventEmitter();
  private sdk: SwitchyardClient | null = null;

  constructor(private options: Omit<Options, 'context'>) {}

  /** The underlying Switchyard client (after initialization). */
  get client(): SwitchyardClient | null {
    return this.sdk;
  }

  async initialize(context?: EvaluationContext): Promise<void> {
    const sdk = new SwitchyardClient({ ...this.options, context: (context || {}) as Context });
    this.sdk = sdk;
    sdk.on('change', (keys: string[]) => this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: keys }));
    sdk.on('error', (e: Error) => this.events.emit(ProviderEvents.Error, { message: e.message }));
    await sdk.ready();
  }

  async onContextChange(_old: EvaluationContext, next: EvaluationContext): Promise<void> {
    if (this.sdk) await this.sdk.identify(next as Context);
  }

  resolveBooleanEvaluation(key: string, fallback: boolean): ResolutionDetails<boolean> {
    return this.details(key, fallback);
  }
  resolveStringEvaluation(key: string, fallback: string): ResolutionDetails<string> {
    return this.details(key, fallback);
  }
  resolveNumberEvaluation(key: string, fallback: number): ResolutionDetails<number> {
    return this.details(key, fallback);
  }
  resolveObjectEvaluation<T extends JsonValue>(key: string, fallback: T): ResolutionDetails<T> {
    return this.details(key, fallback);
  }

  track(name: string, _context?: EvaluationContext, details?: TrackingEventDetails): void {
    if (this.sdk) this.sdk.track(name, details);
  }

  async onClose(): Promise<void> {
    if (this.sdk) this.sdk.close();
  }

  private details<T extends JsonValue>(key: string, fallback: T): ResolutionDetails<T> {
    if (!this.sdk) return { value: fallback, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' as never };
    const d: Detail<T> = this.sdk.detail(key, fallback);
    return {
      value: d.value,
      variant: d.variant,
      reason: d.reason,
      errorCode: d.errorCode as never,
      errorMessage: d.errorMessage,
    };
  }
}
