/**
 * Critical environments (production and the like): shown in a warning colour, and their switches
 * ask before they flip. The server says which (`critical`: on by default for environments created
 * as `production` or `prod`; admins change it on the Environments page).
 */
import type { Environment } from '../api/types';

/** The warning colour of a critical environment, wherever its switch or badge appears. */
export const CRITICAL_COLOR = 'orange';

export function isCritical(env: Pick<Environment, 'critical'> | undefined): boolean {
  return !!env?.critical;
}
