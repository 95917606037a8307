/** A change request at a glance: its status's colour, approvals given and needed, environments. */
import type { ChangeRequest, RequestStatus } from '../../api/types';

export const STATUS_COLOR: Record<RequestStatus, string> = {
  open: 'blue',
  approved: 'teal',
  applied: 'green',
  rejected: 'red',
  conflicted: 'orange',
  failed: 'red',
  withdrawn: 'gray',
};

const RANK = { viewer: 0, editor: 1, admin: 2, owner: 3 } as const;

/**
 * The approvals that count (from the policy's role or stronger) and how many the policy needs
 * (0: no environment it reaches asks for approval).
 */
export function approvalCount(r: Pick<ChangeRequest, 'approvals' | 'policy'>): { have: number; need: number } {
  const p = r.policy;
  const approvals = r.approvals ?? [];
  if (!p) return { have: approvals.length, need: 0 };
  return { have: approvals.filter((a) => RANK[a.role] >= RANK[p.minRole]).length, need: p.approvals };
}

/** "1/2", or "not needed" when nothing the request reaches requires approval. */
export function approvalsText(r: Pick<ChangeRequest, 'approvals' | 'policy'>): string {
  const { have, need } = approvalCount(r);
  return need === 0 ? 'not needed' : `${have}/${need}`;
}

/** The environments a request reaches: those whose state it sets or ramps, then the protected ones. */
export function requestEnvironmentIds(r: Pick<ChangeRequest, 'changes' | 'protectedEnvironments'>): string[] {
  const ids: string[] = [];
  for (const c of r.changes) if ((c.kind === 'state' || c.kind === 'ramp') && !ids.includes(c.environmentId)) ids.push(c.environmentId);
  for (const id of r.protectedEnvironments ?? []) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/** "Requires 2 approvals from admins or owners". */
export function policyText(p: { approvals: number; minRole: string; ownerBypass?: boolean }): string {
  const who = p.minRole === 'owner' ? 'owners' : p.minRole === 'admin' ? 'admins or owners' : 'editors or stronger';
  return `Requires ${p.approvals} approval${p.approvals === 1 ? '' : 's'} from ${who}`;
}
