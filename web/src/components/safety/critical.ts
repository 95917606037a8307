/**
 * Critical environments (production and the like): shown in a warning colour, and their switches
 * ask before they flip. An environment says so itself (`critical`, set by an admin); where a
 * server does not say, one whose key is `production` or `prod` is critical.
 */
import type { Environment } from '../../api/types';

/** The warning colour of a critical environment, wherever its switch or badge appears. */
export const CRITICAL_COLOR = 'orange';

const CRITICAL_KEYS = new Set(['production', 'prod']);

export function isCritical(env: Pick<Environment, 'key'> & { critical?: boolean | null }): boolean {
  return typeof env.critical === 'boolean' ? env.critical : CRITICAL_KEYS.has(env.key.toLowerCase());
}
