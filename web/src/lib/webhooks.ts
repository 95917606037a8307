/** Webhook endpoints and deliveries, for display. */
import type { Delivery, Webhook, WebhookFilter, WebhookKind } from '../api/types';
import { dateTime } from './format';

/** Badges in these tables keep their words whole and as written (no ellipsis, no capitals). */
export const BADGE = { textTransform: 'none', minWidth: 'max-content' } as const;

export const KIND_LABELS: Record<WebhookKind, string> = {
  standard: 'Standard',
  slack: 'Slack',
  teams: 'Teams',
};

/** Longer names, for choosing a kind. */
export const KIND_CHOICES: { value: WebhookKind; label: string }[] = [
  { value: 'standard', label: 'Standard Webhooks (signed JSON)' },
  { value: 'slack', label: 'Slack' },
  { value: 'teams', label: 'Microsoft Teams' },
];

export const URL_HINTS: Record<WebhookKind, { placeholder: string; description: string }> = {
  standard: { placeholder: 'https://example.com/hooks/switchyard', description: 'Receives a signed JSON POST for every change' },
  slack: { placeholder: 'https://hooks.slack.com/services/…', description: 'A Slack incoming-webhook URL (stored encrypted, shown redacted)' },
  teams: { placeholder: 'https://….webhook.office.com/…', description: 'A Teams incoming-webhook or Workflows URL (stored encrypted, shown redacted)' },
};

/** What names an endpoint to people: its description, else its URL. */
export const endpointName = (w: Pick<Webhook, 'description' | 'url'>) => w.description.trim() || w.url;

export type WebhookStatus = { label: string; color: string; kind: 'enabled' | 'disabled' | 'failing' };

export function webhookStatus(w: Pick<Webhook, 'enabled' | 'failingSince' | 'disabledReason'>): WebhookStatus {
  if (!w.enabled) return { label: 'Disabled', color: w.disabledReason && !disabledByPerson(w) ? 'red' : 'gray', kind: 'disabled' };
  if (w.failingSince) return { label: `Failing since ${dateTime(w.failingSince)}`, color: 'orange', kind: 'failing' };
  return { label: 'Enabled', color: 'green', kind: 'enabled' };
}

/** A URL the API can take: http(s) with a host. */
export function urlProblem(url: string): string | undefined {
  const u = url.trim();
  if (!u) return 'Enter the URL to send to';
  try {
    const p = new URL(u);
    if (p.protocol !== 'https:' && p.protocol !== 'http:') return 'Use an https:// URL';
    if (!p.hostname) return 'Use an https:// URL';
  } catch {
    return 'Enter a full URL, such as https://example.com/hooks';
  }
  return undefined;
}

/** A filter with every list present (the API may leave an empty one out). */
export type FullFilter = Required<WebhookFilter>;

export const EMPTY_FILTER: FullFilter = { projects: [], environments: [], tags: [], events: [] };

/** The filter with every list present (an absent list means "all", as an empty one does). */
export const normalFilter = (f: WebhookFilter | null | undefined): FullFilter => ({
  projects: f?.projects ?? [],
  environments: f?.environments ?? [],
  tags: f?.tags ?? [],
  events: f?.events ?? [],
});

export interface FilterNames {
  project?: (id: string) => string | undefined;
  environment?: (id: string) => string | undefined;
}

const list = (xs: string[]) => xs.join(', ');

/** One line: what the endpoint receives ("Every change", or each non-empty part of the filter). */
export function filterSummary(f: WebhookFilter | null | undefined, names: FilterNames = {}): string {
  const filter = normalFilter(f);
  const parts: string[] = [];
  if (filter.projects.length) parts.push(`Projects: ${list(filter.projects.map((id) => names.project?.(id) ?? id))}`);
  if (filter.environments.length) parts.push(`Environments: ${list(filter.environments.map((id) => names.environment?.(id) ?? id))}`);
  if (filter.tags.length) parts.push(`Tags: ${list(filter.tags)}`);
  if (filter.events.length) parts.push(`Events: ${list(filter.events)}`);
  return parts.length ? parts.join(' · ') : 'Every change';
}

/** The body as sent, indented when it is JSON. */
export function prettyBody(body: string | null | undefined): string {
  if (body === null || body === undefined) return '';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export const lastAttempt = (d: Delivery) => d.attempts.at(-1);

/** Every attempt made (the log keeps the last ten). */
export const attemptCount = (d: Delivery) => Math.max(d.attemptCount ?? 0, d.attempts.length);

/** Switchyard disables an endpoint after a day of failures; an admin may too ("disabled by user:…"). */
export const disabledByPerson = (w: Pick<Webhook, 'disabledReason'>) => /^disabled by /.test(w.disabledReason ?? '');

/** Change ids are zero-padded sequence numbers (`00000000000000000042`): shown without the padding. */
export const shortChangeId = (id: string) => (/^\d+$/.test(id) ? id.replace(/^0+(?=\d)/, '') : id);
