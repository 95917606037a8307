/** The API's shapes (camelCase, as functions/src/routes/*.rs serialise them). */

export type Role = 'viewer' | 'editor' | 'admin' | 'owner';
export const ROLES: Role[] = ['viewer', 'editor', 'admin', 'owner'];

export type FlagType = 'boolean' | 'string' | 'integer' | 'float' | 'object';
export const FLAG_TYPES: FlagType[] = ['boolean', 'string', 'integer', 'float', 'object'];

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: number;
}

export interface Organization {
  id: string;
  name: string;
  createdAt: number;
}

export interface OrgWithRole {
  organization: Organization;
  role: Role;
}

export interface Session {
  token: string;
  user: User;
  organization: Organization | null;
}

export interface Me {
  user: User | null;
  token: string | null;
  memberships: OrgWithRole[];
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Project {
  id: string;
  orgId: string;
  name: string;
  createdAt: number;
}

export interface Environment {
  id: string;
  orgId: string;
  projectId: string;
  key: string;
  name: string;
  revision: number;
  allowedOrigins: string[];
  createdAt: number;
}

export type KeyKind = 'client' | 'server';

export interface SdkKey {
  id: string;
  environmentId: string;
  kind: KeyKind;
  prefix: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface KeyCreated {
  secret: string;
  key: SdkKey;
}

export interface Variant {
  name: string;
  value: Json;
}

export interface Flag {
  projectId: string;
  key: string;
  name: string;
  description: string;
  type: FlagType;
  variants: Variant[];
  tags: string[];
  archived: boolean;
  version: number;
  createdBy: string;
  createdAt: number;
  updatedBy: string;
  updatedAt: number;
}

export interface FlagState {
  environmentId: string;
  flagKey: string;
  enabled: boolean;
  defaultVariant: string | null;
  targeting: Json | null;
  version: number;
  updatedBy: string;
  updatedAt: number;
}

export interface Segment {
  projectId: string;
  key: string;
  name: string;
  description: string;
  rule: Json;
  version: number;
  updatedBy: string;
  updatedAt: number;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

export interface Invitation {
  token: string;
  email: string;
  role: Role;
  expiresAt: number;
}

export type Scope = 'read' | 'write-flags' | 'write-projects';
export const SCOPES: Scope[] = ['read', 'write-flags', 'write-projects'];

export interface ApiToken {
  id: string;
  orgId: string;
  name: string;
  scopes: Scope[];
  prefix: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

export interface Change {
  path: string;
  before?: Json | null;
  after?: Json | null;
}

export interface AuditEntry {
  id: string;
  orgId: string;
  projectId: string | null;
  environmentId: string | null;
  actor: string;
  action: string;
  target: string;
  before: Json | null;
  after: Json | null;
  at: number;
  changes: Change[];
}

export interface RuleTrace {
  index: number;
  result: Json;
  matched: boolean;
}

export interface SplitTrace {
  bucketingKey: string;
  hash: number;
  bucket: number;
  totalWeight: number;
  weights: number[];
}

export interface Explanation {
  value: Json | null;
  variant: string | null;
  reason: string;
  errorCode: string | null;
  errorMessage: string | null;
  rules: RuleTrace[];
  matchedRule: number | null;
  split: SplitTrace | null;
  operatorError: string | null;
}

/** One flag of an environment's flagd export. */
export interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, Json>;
  defaultVariant: string | null;
  targeting?: Json;
  metadata?: { version?: number };
}

export interface FlagdDocument {
  flags: Record<string, FlagdFlag>;
  $evaluators?: Record<string, Json>;
  metadata?: { environment?: string; revision?: number };
}

export interface EvaluationRow {
  flag: string;
  variant: string;
  hour: number;
  count: number;
}

export interface Evaluations {
  from: number;
  to: number;
  rows: EvaluationRow[];
}
