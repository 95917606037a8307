/** What a role may do, as functions/src/access.rs decides. */
import type { Role } from '../api/types';

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export const atLeast = (role: Role | undefined, need: Role) => !!role && rank[role] >= rank[need];
export const canEditFlags = (r: Role | undefined) => atLeast(r, 'editor');
export const canManageProjects = (r: Role | undefined) => atLeast(r, 'admin');
export const canManageMembers = (r: Role | undefined) => atLeast(r, 'admin');
