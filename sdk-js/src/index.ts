/**
 * Switchyard's browser SDK. With a script tag it is the global `Switchyard`:
 *
 *   const flags = Switchyard.init({ clientKey: 'sy_client_…', context: { targetingKey: 'user-1' } });
 *   flags.on('change:new-checkout', (d) => render(d.value));
 */
import { SwitchyardClient } from './client';
import type { Options } from './types';

export { SwitchyardClient };
export type { Context, Detail, Evaluation, JsonValue, Options, Source, Streaming } from './types';

export const version = '0.1.0';

/** Where this script was loaded from, the default `baseUrl` for a script-tag install. */
const scriptOrigin = (() => {
  try {
    const s = typeof document !== 'undefined' && (document.currentScript as HTMLScriptElement | null);
    return s && s.src ? new URL(s.src).origin : '';
  } catch {
    return '';
  }
})();

export function init(options: Options): SwitchyardClient {
  return new SwitchyardClient({ ...options, baseUrl: options.baseUrl || scriptOrigin });
}
