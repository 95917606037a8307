/** Change requests, environments and members as the API sends them, for the tests. */
import type { ChangeRequest, Environment, Member, RequestView } from '../api/types';

export const PROD: Environment = {
  id: 'e-prod',
  orgId: 'o1',
  projectId: 'p1',
  key: 'production',
  name: 'production',
  revision: 9,
  allowedOrigins: [],
  createdAt: 0,
  approval: { approvals: 1, minRole: 'editor', ownerBypass: true },
};

export const DEV: Environment = { id: 'e-dev', orgId: 'o1', projectId: 'p1', key: 'development', name: 'development', revision: 4, allowedOrigins: [], createdAt: 0 };

export const MEMBERS: Member[] = [
  { userId: 'ada', name: 'Ada Owner', email: 'ada@example.com', role: 'owner' },
  { userId: 'bob', name: 'Bob Editor', email: 'bob@example.com', role: 'editor' },
  { userId: 'cy', name: 'Cy Admin', email: 'cy@example.com', role: 'admin' },
  { userId: 'vi', name: 'Vi Viewer', email: 'vi@example.com', role: 'viewer' },
];

/** Bob proposes turning checkout on in production, which needs one editor's approval. */
export function request(over: Partial<ChangeRequest> = {}): ChangeRequest {
  return {
    id: 'r1',
    orgId: 'o1',
    projectId: 'p1',
    title: 'Turn on checkout in production',
    description: '',
    changes: [{ kind: 'state', environmentId: 'e-prod', flag: 'checkout', baseVersion: 3, enabled: true, defaultVariant: 'on', targeting: null }],
    author: 'user:bob',
    status: 'open',
    protectedEnvironments: ['e-prod'],
    policy: { approvals: 1, minRole: 'editor', ownerBypass: true },
    approvals: [],
    revision: 1,
    version: 1,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...over,
  };
}

export const view = (over: Partial<RequestView> = {}): RequestView => ({ ...request(over), comments: [], ...over });
