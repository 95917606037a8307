/**
 * Who may do what to a change request, as the API decides it (core/src/changes/requests.rs and
 * apply.rs), so the request page shows only the actions that can succeed for the viewer.
 */
import type { ChangeRequest, Role } from '../../api/types';
import { atLeast } from '../roles';
import { approvalCount } from './status';

/** The person looking: their actor (`user:ID`, or `token:ID` for an API token) and role. */
export interface Viewer {
  actor: string | null;
  role: Role | undefined;
}

export interface RequestActions {
  approve: boolean;
  reject: boolean;
  /** Apply now, with the approvals it has. */
  apply: boolean;
  /** Apply without the approvals, giving a reason (owners, where the policy allows it). */
  bypass: boolean;
  withdraw: boolean;
  /** Move a conflicted request onto what is stored now. */
  refresh: boolean;
  /** Change its title, description or time (withdraws every approval). */
  edit: boolean;
  comment: boolean;
}

/** Open, approved or conflicted: the request can still change. */
export const isActive = (r: Pick<ChangeRequest, 'status'>) => ['open', 'approved', 'conflicted'].includes(r.status);

/** Whether `actor` proposed the request, or made the API token that did. */
export const isAuthor = (r: Pick<ChangeRequest, 'author' | 'authorOwner'>, actor: string | null) =>
  !!actor && (r.author === actor || r.authorOwner === actor);

/** The weakest role whose review counts (editor when no environment asks for approval). */
export const reviewerRole = (r: Pick<ChangeRequest, 'policy'>): Role => r.policy?.minRole ?? 'editor';

/** Why the viewer cannot review this request, in words; null when they can. */
export function reviewBlock(r: ChangeRequest, v: Viewer): string | null {
  if (!isActive(r)) return `It is ${r.status}.`;
  if (r.status === 'conflicted') return 'It is conflicted: it must be refreshed before anyone reviews it.';
  if (!v.actor?.startsWith('user:')) return 'API tokens do not review change requests.';
  if (isAuthor(r, v.actor)) return 'You proposed it: someone else must review it.';
  const need = reviewerRole(r);
  if (!atLeast(v.role, need)) return `Reviewing it needs the ${need} role.`;
  return null;
}

export function requestActions(r: ChangeRequest, v: Viewer): RequestActions {
  const active = isActive(r);
  const canReview = reviewBlock(r, v) === null;
  const editor = atLeast(v.role, 'editor');
  const { have, need } = approvalCount(r);
  return {
    approve: canReview && !(r.approvals ?? []).some((a) => a.by === v.actor),
    reject: canReview,
    apply: r.status === 'approved' && editor,
    bypass: r.status === 'open' && v.role === 'owner' && !!r.policy?.ownerBypass && have < need,
    withdraw: active && (isAuthor(r, v.actor) || atLeast(v.role, 'admin')),
    refresh: r.status === 'conflicted' && editor,
    edit: (r.status === 'open' || r.status === 'approved') && editor,
    comment: !!v.role,
  };
}
