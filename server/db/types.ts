import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { SuspectReason } from '../../schema/review.js';
import type { AlertRuleKind, CaseStatus } from '../../schema/alerts-model.js';

/**
 * The hand-written database interface. Ids are short random text; timestamps are ISO-8601 UTC text;
 * `*_day` columns are Vietnam-local YYYY-MM-DD, `month` columns YYYY-MM. Optional foreign keys in
 * rollup keys are '' (not NULL) so they can be part of a primary key and an upsert target.
 */
export interface Database {
  schema_migrations: SchemaMigrationTable;
  units: UnitTable;
  counters: CounterTable;
  staff: StaffTable;
  procedures: ProcedureTable;
  instruments: InstrumentTable;
  survey_points: SurveyPointTable;
  retired_codes: RetiredCodeTable;
  invitations: InvitationTable;
  responses: ResponseTable;
  rollup_fine: RollupFineTable;
  rollup_unit_day: RollupUnitDayTable;
  rollup_unit_month: RollupUnitMonthTable;
  rollup_heat: RollupHeatTable;
  rollup_response_day: RollupResponseDayTable;
  device_marks: DeviceMarkTable;
  users: UserTable;
  role_grants: RoleGrantTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  recovery_codes: RecoveryCodeTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  settings: SettingTable;
  answer_chain: AnswerChainTable;
  unit_indicator_scores: UnitIndicatorScoreTable;
  export_manifests: ExportManifestTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_outbox: WebhookOutboxTable;
  mail_log: MailLogTable;
  callback_contacts: CallbackContactTable;
  alerts: AlertTable;
  cases: CaseTable;
  case_responses: CaseResponseTable;
  case_notes: CaseNoteTable;
  comment_marks: CommentMarkTable;
  alert_marks: AlertMarkTable;
}

export type Db = Kysely<Database>;

export interface SchemaMigrationTable {
  version: number;
  name: string;
  applied_at: string;
}

export type UnitKind = 'province' | 'commune' | 'centre' | 'branch' | 'agency';

export interface UnitTable {
  id: string;
  parent_id: string | null;
  kind: UnitKind;
  /** Province 2 digits, commune 5 digits (QĐ 19/2025), centre/branch/agency codes chosen by the province. */
  code: string;
  name: string;
  /** Materialized path of ids, '/p/c/x/': a subtree is `path LIKE '<root path>%'`. */
  path: string;
  province_id: string;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface CounterTable {
  id: string;
  /** The centre (or branch) that the counter belongs to. */
  unit_id: string;
  code: string;
  name: string;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface StaffTable {
  id: string;
  province_id: string;
  code: string;
  name: string;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface ProcedureTable {
  id: string;
  province_id: string;
  /** mã TTHC, e.g. 1.001612 */
  code: string;
  name: string;
  /** lĩnh vực */
  field: string;
  active: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface InstrumentTable {
  /** `<code>@<version>`, e.g. QUAY@1 */
  id: string;
  code: string;
  version: number;
  title_vi: string;
  title_en: string;
  /** JSON of schema/instrument.ts InstrumentDefinition */
  definition: string;
  methodology_version: string;
  created_at: string;
  /** The province whose officers edit it; null for a built-in version every province may use. */
  owner_unit_id: string | null;
  /** 'draft': edited in place, never served; 'published': frozen. */
  status: Generated<InstrumentStatus>;
  updated_at: string | null;
  published_at: string | null;
}

export type InstrumentStatus = 'draft' | 'published';

export type SurveyPointStatus = 'open' | 'closed';

export interface SurveyPointTable {
  id: string;
  /** Current short, unguessable code used in /s/<code>. */
  code: string;
  unit_id: string;
  counter_id: string | null;
  instrument_id: string;
  status: SurveyPointStatus;
  kiosk: Generated<number>;
  /** 1: after a low rating the survey page offers a call-back (migration 014). */
  callback_offered: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface RetiredCodeTable {
  code: string;
  survey_point_id: string;
  retired_at: string;
}

export interface InvitationTable {
  id: string;
  token_hash: string;
  api_key_id: string | null;
  survey_point_id: string;
  unit_id: string;
  counter_id: string | null;
  staff_id: string | null;
  procedure_id: string | null;
  /** Keyed hash (HMAC) of the dossier code; the code itself is never stored. */
  dossier_hash: string;
  received_at: string | null;
  due_at: string | null;
  returned_at: string | null;
  issued_at: string;
  issued_day: string;
  expires_at: string;
  used_at: string | null;
  response_id: string | null;
  /** JSON of schema/dossiers.ts DossierFacts given by the one-stop software; null when none. */
  facts: NullableDefault<string>;
  /** Vietnam-local day of return (else receipt, else issue): the reporting period it counts in. */
  dossier_day: string;
}

export type Channel = 'counter_tablet' | 'qr_web' | 'portal' | 'sms' | 'paper' | 'phone';

export interface ResponseTable {
  /** Client-generated UUID: the idempotency key of a submission. */
  id: string;
  survey_point_id: string | null;
  invitation_id: string | null;
  instrument_id: string;
  unit_id: string;
  counter_id: string | null;
  staff_id: string | null;
  procedure_id: string | null;
  channel: Channel;
  submitted_at: string;
  local_day: string;
  local_hour: number;
  weekday: number;
  /** JSON object criterion code → 1..5, or null for "no opinion / not applicable". */
  answers: string;
  comment: string | null;
  /** JSON of optional demographics, or null. */
  demographics: string | null;
  lang: string;
  /** 1: left out of every score (flagged by the anti-abuse rules and not accepted, or rejected in review). */
  suspect: Generated<number>;
  /** Why the intake flagged it; null if never flagged (or flagged before reasons were kept). */
  suspect_reason: NullableDefault<SuspectReason>;
  /** A supervisor's decision on a flagged answer; null while none was made. */
  review: NullableDefault<'accepted' | 'rejected'>;
  reviewed_at: NullableDefault<string>;
  created_at: string;
  /** The answer-chain link (server/db/answer-chain.ts) the answer was stored in. */
  chain_seq: NullableDefault<number>;
  /** The first hex characters of the answer's digest, to name an edited answer. */
  chain_digest: NullableDefault<string>;
}

/** A nullable column that inserts may leave out (it is then null). */
type NullableDefault<T> = ColumnType<T | null, T | null | undefined, T | null>;

/** Counts per answer, the finest grain dashboards drill into. score 0 = no opinion / N/A. */
export interface RollupFineTable {
  day: string;
  unit_id: string;
  counter_id: string;
  staff_id: string;
  procedure_id: string;
  channel: string;
  instrument_id: string;
  criterion: string;
  score: number;
  n: number;
}

export interface RollupUnitDayTable {
  unit_id: string;
  day: string;
  instrument_id: string;
  criterion: string;
  score: number;
  n: number;
}

export interface RollupUnitMonthTable {
  unit_id: string;
  month: string;
  instrument_id: string;
  criterion: string;
  score: number;
  n: number;
}

/** Weekday × hour counts for the dissatisfaction heatmap (dissatisfied = score 1–2). */
export interface RollupHeatTable {
  unit_id: string;
  counter_id: string;
  month: string;
  weekday: number;
  hour: number;
  n_valid: number;
  n_dissatisfied: number;
}

export interface RollupResponseDayTable {
  day: string;
  unit_id: string;
  counter_id: string;
  staff_id: string;
  procedure_id: string;
  channel: string;
  instrument_id: string;
  n: number;
}

/** Short-lived anti-abuse marks: salted hashes only, deleted after two hours. */
export interface DeviceMarkTable {
  mark_hash: string;
  survey_point_id: string;
  hour_bucket: string;
  n: number;
}

export type Role = 'system_admin' | 'provincial_officer' | 'centre_supervisor' | 'viewer';

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  active: Generated<number>;
  created_at: string;
  password_changed_at: string;
  /** 1 after a generated or administrator-set password: nothing but a password change until it is changed. */
  must_change_password: Generated<number>;
  /** AES-256-GCM ciphertext of the TOTP secret once enrolled (server/auth/totp.ts). */
  totp_secret: string | null;
  totp_enabled_at: string | null;
  /** Time step of the last accepted code, so a code is never accepted twice. */
  totp_last_step: number | null;
  /** Where alert digests and monthly summaries go (migration 013); null for no mail. */
  email: string | null;
}

/** Single-use TOTP recovery codes: only a keyed hash of each is kept. */
export interface RecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

export interface RoleGrantTable {
  id: string;
  user_id: string;
  unit_id: string | null;
  role: Role;
  created_at: string;
}

export interface SessionTable {
  /** SHA-256 of the cookie token; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  /** How far sign-in has got: the password only (second factor to come), TOTP enrolment to do, or done. */
  stage: Generated<SessionStage>;
  /** The browser's User-Agent (cut short), so the account page can tell sessions apart. */
  user_agent: string | null;
  /** Ciphertext of a TOTP secret offered to this session for enrolment, until a code confirms it. */
  totp_pending_secret: Generated<string | null>;
}

export type SessionStage = 'second_factor' | 'totp_enrolment' | 'full';

export interface LoginAttemptTable {
  key: string;
  window_start: string;
  failures: number;
  /** Per-account pace: the earliest time the next password check may run. */
  next_check_at: string | null;
}

export interface ApiKeyTable {
  id: string;
  unit_id: string;
  name: string;
  /** SHA-256 of the key; shown once on creation. */
  key_hash: string;
  prefix: string;
  created_at: string;
  created_by: string | null;
  revoked_at: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  entity: string;
  entity_id: string | null;
  unit_id: string | null;
  before: string | null;
  after: string | null;
}

export interface SettingTable {
  /** Unit id the setting applies to ('' for global). */
  unit_id: string;
  key: string;
  value: string;
  updated_at: string;
}

/** How far along the answer chain an alert rule that follows the intake has read. */
export interface AlertMarkTable {
  rule: AlertRuleKind;
  chain_seq: number;
}

/** One link of the answer chain: a committed write of answers. */
export interface AnswerChainTable {
  seq: number;
  format: number;
  prev_hash: string;
  batch_hash: string;
  head_hash: string;
  answers: number;
  /** The newest stored time (created_at) among the link's answers. */
  last_answer_at: string;
}

/** Indicator scores a unit gets as a whole for a quarter (2026-Q1) or year (2026), in tenths (0–20). */
export interface UnitIndicatorScoreTable {
  unit_id: string;
  period: string;
  code: string;
  tenths: number;
  updated_at: string;
}

/** The signed manifest of every export, for whoever received the file to check it. */
export interface ExportManifestTable {
  id: string;
  created_at: string;
  actor_user_id: string | null;
  unit_id: string | null;
  /** JSON of the signed manifest; null while a streamed export is still being written. */
  manifest: string | null;
}

/** An alert a rule raised (server/alerts/): open while closed_at is null, one open per dedup_key. */
export interface AlertTable {
  id: string;
  /** The unit the alert concerns (the centre or branch of the answers). */
  unit_id: string;
  rule: AlertRuleKind;
  dedup_key: string;
  title: string;
  /** JSON of schema/alerts.ts AlertDetail: the figures behind it. */
  detail: string;
  opened_at: string;
  last_seen_at: string;
  closed_at: string | null;
}

export type { AlertRuleKind, CaseStatus };

/** A follow-up case (server/cases/). */
export interface CaseTable {
  id: string;
  unit_id: string;
  source: 'alert' | 'comment' | 'callback';
  title: string;
  status: CaseStatus;
  assignee_user_id: string | null;
  /** Vietnam-local YYYY-MM-DD. */
  due_day: string | null;
  resolution: string | null;
  alert_id: string | null;
  callback_id: string | null;
  opened_at: string;
  /** The user's name, or the system that opened it. */
  opened_by: string;
  updated_at: string;
  /** When it became resolved or dismissed: time to resolution = closed_at − opened_at. */
  closed_at: string | null;
}

export interface CaseResponseTable {
  case_id: string;
  response_id: string;
}

/** A case's history: notes, with the status change they came with. */
export interface CaseNoteTable {
  id: string;
  case_id: string;
  at: string;
  author_label: string;
  status_from: CaseStatus | null;
  status_to: CaseStatus | null;
  text: string;
}

/** Topic tags and the handled mark of a comment (an answer's comment). */
export interface CommentMarkTable {
  response_id: string;
  unit_id: string;
  /** JSON array of tag labels. */
  tags: string;
  handled_at: string | null;
  updated_at: string;
}

/** A webhook receiver an administrator registered (server/notifications/). */
export interface WebhookSubscriptionTable {
  id: string;
  url: string;
  /** Comma-separated event types. */
  event_types: string;
  /** The signing secret is derived from the server secret and this salt; never stored itself. */
  secret_salt: string;
  created_at: string;
  created_by: string | null;
  deleted_at: string | null;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** One event for one subscription, written in the transaction that made the event, sent by the delivery worker. */
export interface WebhookOutboxTable {
  seq: Generated<number>;
  event_id: string;
  subscription_id: string;
  type: string;
  subject: string;
  /** The exact JSON body that is signed and sent. */
  body: string;
  created_at: string;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

/** Mails the scheduler sent, one per kind, unit and period, so a restart never sends one twice. */
export interface MailLogTable {
  kind: string;
  unit_id: string;
  period: string;
  recipients: number;
  sent_at: string;
}

/** A citizen's consented call-back contact (server/callbacks/), kept apart from the chained answer. */
export interface CallbackContactTable {
  id: string;
  /** The answer it was left with: one contact per answer. */
  response_id: string;
  unit_id: string;
  /** The follow-up case it opened: its assignee alone reads the contact; deleted some days after it closes. */
  case_id: string;
  kind: 'phone' | 'email';
  /** AES-256-GCM of the normalised value (server/callbacks/sealing.ts); never the clear value. */
  sealed: string;
  consent_version: string;
  created_at: string;
}

export type UnitRow = Selectable<UnitTable>;
export type NewUnit = Insertable<UnitTable>;
export type UnitUpdate = Updateable<UnitTable>;
export type ResponseRow = Selectable<ResponseTable>;
export type NewResponse = Insertable<ResponseTable>;
export type InstrumentRow = Selectable<InstrumentTable>;
export type SurveyPointRow = Selectable<SurveyPointTable>;
