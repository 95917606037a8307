/**
 * The API's shapes. Everything the OpenAPI document describes comes from `schema.d.ts`, which
 * `npm run gen:types` generates from `web/openapi.json` (never edit either by hand; a test checks
 * that they agree). What is left here has no schema in the document, or is the dashboard's own.
 */
import type { components } from './schema';

export type Schemas = components['schemas'];

export type Role = Schemas['Role'];
export const ROLES: Role[] = ['viewer', 'editor', 'admin', 'owner'];

export type FlagType = Schemas['FlagType'];
export const FLAG_TYPES: FlagType[] = ['boolean', 'string', 'integer', 'float', 'object'];

export type Scope = Schemas['Scope'];
export const SCOPES: Scope[] = ['read', 'write-flags', 'write-projects', 'propose'];

export type KeyKind = Schemas['KeyKind'];

export type User = Schemas['PublicUser'];
export type Organization = Schemas['Organization'];
export type OrgWithRole = Schemas['OrgWithRole'];
export type Session = Schemas['SessionResponse'];
export type Me = Schemas['MeResponse'];
export type Member = Schemas['MemberView'];
export type Invitation = Schemas['InviteResponse'];
export type ApiToken = Schemas['TokenView'];

export type Project = Schemas['Project'];
export type Environment = Schemas['Environment'];
export type SdkKey = Schemas['KeyView'];
export type KeyCreated = Schemas['KeyCreated'];
export type SecureModeView = Schemas['SecureModeView'];

export type Variant = Schemas['Variant'];
export type Flag = Schemas['Flag'];
export type FlagState = Schemas['FlagState'];
export type Segment = Schemas['Segment'];
export type ImportSummary = Schemas['ImportSummary'];

export type Change = Schemas['Change'];
/** An audit log entry, a change record with its diff (`GET /api/v1/orgs/{org}/audit`, newest first). */
export type AuditEntry = Schemas['EntryWithDiff'];
/** One page of the audit log; `next` is the cursor of the following (older) page. */
export type AuditPage = Omit<Schemas['AuditPage'], 'items'> & { items: AuditEntry[] };

export type RuleTrace = Schemas['RuleTrace'];
export type SplitTrace = Schemas['SplitTrace'];
export type Explanation = Schemas['Explanation'];

export type EvaluationRow = Schemas['EvaluationRow'];
export type Evaluations = Schemas['Evaluations'];

/** `standard`: signed JSON (Standard Webhooks); `slack` / `teams`: an incoming-webhook URL. */
export type WebhookKind = Schemas['WebhookKind'];
export const WEBHOOK_KINDS: WebhookKind[] = ['standard', 'slack', 'teams'];
/** What an endpoint receives; an empty (or absent) list means "all". */
export type WebhookFilter = Schemas['WebhookFilter'];
/** A signing secret as shown: its prefix, never the secret. */
export type WebhookSecret = Schemas['SecretView'];
/** An endpoint as the API shows it (Slack and Teams URLs redacted). */
export type Webhook = Schemas['WebhookView'];
/** A create's or a rotation's answer: the secret appears here, once (standard endpoints). */
export type WebhookWithSecret = Schemas['WebhookCreated'];
export type NewWebhook = Schemas['NewWebhook'];
export type WebhookPatch = Schemas['WebhookPatch'];
export type Delivery = Schemas['Delivery'];
export type DeliveryAttempt = Schemas['Attempt'];
export type DeliveryState = Schemas['DeliveryState'];
/** Queued deliveries first (first page only, oldest first), then sent ones, newest first. */
export type DeliveryPage = Schemas['DeliveryPage'];

/** What an environment requires before a change to it applies (absent: nothing). */
export type ApprovalPolicy = Schemas['ApprovalPolicy'];
/** The roles an approval policy can ask for (viewers never approve). */
export type ApproverRole = Schemas['ApproverRole'];
export type RequestStatus = Schemas['RequestStatus'];
export const REQUEST_STATUSES: RequestStatus[] = ['open', 'approved', 'conflicted', 'applied', 'rejected', 'failed', 'withdrawn'];
/** A proposal of one or more changes to one project, reviewed and applied together. */
export type ChangeRequest = Schemas['ChangeRequest'];
/** A change request with its comments (`GET .../change-requests/{id}`). */
export type RequestView = Schemas['RequestView'];
export type RequestComment = Schemas['RequestComment'];
export type NewRequest = Schemas['NewRequest'];
export type RequestPatch = Schemas['RequestPatch'];
/** An approval or a rejection. */
export type Review = Schemas['Review'];
export type Bypass = Schemas['Bypass'];
/** What a change record says of the change request it came from. */
export type RequestRef = Schemas['RequestRef'];
/** One change a request proposes, tagged by `kind`, against the version it was made on. */
export type ProposedChange = Schemas['ProposedChange'];
export type StateChange = Extract<ProposedChange, { kind: 'state' }>;
export type FlagChange = Extract<ProposedChange, { kind: 'flag' }>;
export type SegmentChange = Extract<ProposedChange, { kind: 'segment' }>;
/** A ramp's plan, proposed where the environment requires approval: applying the request starts it. */
export type RampChange = Extract<ProposedChange, { kind: 'ramp' }>;

/** A timed ramp of a flag in one environment (docs/governance.md, "Timed ramps"). */
export type Ramp = Schemas['Ramp'];
export type RampStep = Schemas['RampStep'];
export type RampStatus = Schemas['RampStatus'];
export type NewRamp = Schemas['NewRamp'];

/** Another flag that must evaluate to one of `variants` before a flag's own targeting applies. */
export type Prerequisite = Schemas['Prerequisite'];
/** One prerequisite as the playground checked it. */
export type PrerequisiteTrace = Schemas['PrerequisiteTrace'];

// ---- Not in the OpenAPI document -------------------------------------------------------------

/** Any JSON value (the document types free-form JSON as `unknown`). */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/**
 * One page of a list and the cursor of the next. The document has one schema per item type
 * (`Page_Flag`, `Page_Project`, `AuditPage`), each this shape.
 */
export interface Page<T> {
  items: T[];
  next?: string | null;
}

/** One flag of an environment's flagd export (`GET .../environments/{env}/flagd`, untyped there). */
export interface FlagdFlag {
  state: 'ENABLED' | 'DISABLED';
  variants: Record<string, Json>;
  defaultVariant: string | null;
  targeting?: Json;
  metadata?: { version?: number };
}

/** An environment's flagd export (untyped in the document: it is flagd's own format). */
export interface FlagdDocument {
  flags: Record<string, FlagdFlag>;
  $evaluators?: Record<string, Json>;
  metadata?: { environment?: string; revision?: number };
}
