import type {
  ApiKeyCreate,
  ApiKeyCreated,
  ApiKey,
  ApiKeyList,
  AuditPage,
  Counter,
  CounterCreate,
  CounterList,
  CounterUpdate,
  ImportKind,
  ImportResult,
  LoginInput,
  PasswordChangeInput,
  Procedure,
  ProcedureCreate,
  ProcedureList,
  ProcedureUpdate,
  SessionInfo,
  SessionState,
  Staff,
  StaffCreate,
  StaffList,
  StaffUpdate,
  Unit,
  UnitCreate,
  UnitDetail,
  UnitList,
  UnitUpdate,
  UserCreate,
  UserList,
  UserSummary,
  UserUpdate,
  UserWithPassword,
} from '../../schema/admin.js';
import type {
  RecoveryCodes,
  RecoveryCodesInput,
  SecondFactorInput,
  SessionList,
  TotpDisableInput,
  TotpEnableInput,
  TotpSetup,
  TotpStatus,
} from '../../schema/auth.js';
import type { ErrorBody, ErrorIssue } from '../../schema/errors.js';
import type { ExportOptions, ResponseImportResult } from '../../schema/exports.js';
import type { PublicPageEntry, PublicPageList, PublicPageSwitch } from '../../schema/public-page.js';
import type { AssignResult, Catalogue, InstrumentDetail, InstrumentList, QuestionnaireAssign, QuestionnaireCreate, QuestionnaireSave } from '../../schema/questionnaires.js';
import type { CreateSurveyPointInput, SurveyPointView, UpdateSurveyPointInput } from '../../schema/surveypoints.js';
import type { ReviewDecisionInput, ReviewDecisionResult, ReviewPage } from '../../schema/review.js';
import type { WebhookDelivery, WebhookDeliveryList, WebhookSubscription, WebhookSubscriptionCreate, WebhookSubscriptionCreated, WebhookSubscriptionList } from '../../schema/notifications.js';
import type { AlertList, AlertRules, AlertRulesView, CaseDetail, CaseFromComment, CaseList, CaseUpdate, CommentMark, CommentMarkUpdate, CommentTags } from '../../schema/alerts.js';
import type { CallbackContactView } from '../../schema/callbacks.js';

/** A failed call: the API's error code (or network / http_<status>), its message and field issues. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: ErrorIssue[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

let csrfToken = '';
/** Called when any call answers 401: the shell drops the session and shows the sign-in page. */
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function onSessionLost(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Answers meaning "finish signing in first" (schema/admin.ts PENDING_STEPS): the shell re-reads the session. */
const STEP_REQUIRED = new Set(['second_factor_required', 'password_change_required', 'totp_enrolment_required']);
let onStepRequired: () => void = () => {};

export function onSignInStepRequired(handler: () => void): void {
  onStepRequired = handler;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function queryString(query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

async function call<T>(method: string, path: string, body?: unknown, upload?: Blob): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (upload) headers['content-type'] = upload.type || 'application/octet-stream';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: upload ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const text = await res.text();
  if (!res.ok) {
    let error = new ApiError(res.status, `http_${res.status}`, res.statusText);
    try {
      const parsed = (JSON.parse(text) as ErrorBody).error;
      const retry = Number(res.headers.get('retry-after'));
      error = new ApiError(res.status, parsed.code, parsed.message, parsed.issues ?? [], Number.isFinite(retry) && retry > 0 ? retry : undefined);
    } catch {
      // Not the API's error shape (a proxy page): keep the HTTP status.
    }
    if (res.status === 401 && !path.startsWith('/api/auth/login')) onUnauthenticated();
    if (res.status === 403 && STEP_REQUIRED.has(error.code)) onStepRequired();
    throw error;
  }
  return JSON.parse(text) as T;
}

const get = <T>(path: string, query?: Query) => call<T>('GET', `${path}${queryString(query)}`);
const post = <T>(path: string, body: unknown = {}) => call<T>('POST', path, body);
const patch = <T>(path: string, body: unknown) => call<T>('PATCH', path, body);
const put = <T>(path: string, body: unknown) => call<T>('PUT', path, body);
const del = <T>(path: string) => call<T>('DELETE', path);
const id = (value: string) => encodeURIComponent(value);

/** Typed calls to the admin API; request and response types come from schema/admin.ts. */
export const api = {
  auth: {
    session: () => get<SessionState>('/api/auth/session'),
    login: (input: LoginInput) => post<SessionInfo>('/api/auth/login', input),
    logout: () => post<{ ok: true }>('/api/auth/logout'),
    logoutAll: () => post<{ ok: true; revokedSessions: number }>('/api/auth/logout-all'),
    changePassword: (input: PasswordChangeInput) => post<{ ok: true; revokedSessions: number }>('/api/auth/password', input),
    secondFactor: (input: SecondFactorInput) => post<SessionInfo>('/api/auth/second-factor', input),
    totp: () => get<TotpStatus>('/api/auth/totp'),
    totpSetup: () => post<TotpSetup>('/api/auth/totp/setup'),
    totpEnable: (input: TotpEnableInput) => post<RecoveryCodes>('/api/auth/totp/enable', input),
    recoveryCodes: (input: RecoveryCodesInput) => post<RecoveryCodes>('/api/auth/totp/recovery-codes', input),
    totpDisable: (input: TotpDisableInput) => post<{ ok: true }>('/api/auth/totp/disable', input),
    sessions: () => get<SessionList>('/api/auth/sessions'),
    revokeSession: (sessionId: string) => post<{ ok: true; current: boolean }>(`/api/auth/sessions/${id(sessionId)}/revoke`),
  },
  units: {
    list: (query: Query) => get<UnitList>('/api/admin/units', query),
    get: (unitId: string) => get<UnitDetail>(`/api/admin/units/${id(unitId)}`),
    create: (input: UnitCreate) => post<Unit>('/api/admin/units', input),
    update: (unitId: string, input: UnitUpdate) => patch<Unit>(`/api/admin/units/${id(unitId)}`, input),
  },
  counters: {
    list: (query: Query) => get<CounterList>('/api/admin/counters', query),
    get: (counterId: string) => get<Counter>(`/api/admin/counters/${id(counterId)}`),
    create: (input: CounterCreate) => post<Counter>('/api/admin/counters', input),
    update: (counterId: string, input: CounterUpdate) => patch<Counter>(`/api/admin/counters/${id(counterId)}`, input),
  },
  staff: {
    list: (query: Query) => get<StaffList>('/api/admin/staff', query),
    create: (input: StaffCreate) => post<Staff>('/api/admin/staff', input),
    update: (staffId: string, input: StaffUpdate) => patch<Staff>(`/api/admin/staff/${id(staffId)}`, input),
  },
  procedures: {
    list: (query: Query) => get<ProcedureList>('/api/admin/procedures', query),
    create: (input: ProcedureCreate) => post<Procedure>('/api/admin/procedures', input),
    update: (procedureId: string, input: ProcedureUpdate) => patch<Procedure>(`/api/admin/procedures/${id(procedureId)}`, input),
  },
  import: (kind: ImportKind, unitId: string, mode: 'preview' | 'commit', file: Blob) =>
    call<ImportResult>('POST', `/api/admin/import/${kind}${queryString({ unitId, mode })}`, undefined, file),
  users: {
    list: (query: Query) => get<UserList>('/api/admin/users', query),
    get: (userId: string) => get<UserSummary>(`/api/admin/users/${id(userId)}`),
    create: (input: UserCreate) => post<UserWithPassword>('/api/admin/users', input),
    update: (userId: string, input: UserUpdate) => patch<UserSummary>(`/api/admin/users/${id(userId)}`, input),
    resetPassword: (userId: string) => post<UserWithPassword>(`/api/admin/users/${id(userId)}/reset-password`),
    resetTotp: (userId: string) => post<UserSummary>(`/api/admin/users/${id(userId)}/totp/reset`),
  },
  apiKeys: {
    list: (query: Query) => get<ApiKeyList>('/api/admin/apikeys', query),
    create: (input: ApiKeyCreate) => post<ApiKeyCreated>('/api/admin/apikeys', input),
    revoke: (keyId: string) => post<ApiKey>(`/api/admin/apikeys/${id(keyId)}/revoke`),
  },
  audit: {
    list: (query: Query) => get<AuditPage>('/api/admin/audit', query),
  },
  exports: {
    options: () => get<ExportOptions>('/api/admin/exports/options'),
  },
  webhooks: {
    list: () => get<WebhookSubscriptionList>('/api/admin/webhooks'),
    create: (input: WebhookSubscriptionCreate) => post<WebhookSubscriptionCreated>('/api/admin/webhooks', input),
    remove: (subscriptionId: string) => del<WebhookSubscription>(`/api/admin/webhooks/${id(subscriptionId)}`),
    test: (subscriptionId: string) => post<WebhookDelivery>(`/api/admin/webhooks/${id(subscriptionId)}/test`),
    deliveries: (query: Query) => get<WebhookDeliveryList>('/api/admin/webhooks/deliveries', query),
  },
  publicPages: {
    list: () => get<PublicPageList>('/api/admin/public-pages'),
    set: (provinceId: string, input: PublicPageSwitch) => put<PublicPageEntry>(`/api/admin/public-pages/${id(provinceId)}`, input),
  },
  /** The call-back contact of a case: answered to the case's assignee only (403 to anyone else). */
  callbackContact: (caseId: string, lang: 'vi' | 'en') => get<CallbackContactView>(`/api/admin/callback-contacts/${id(caseId)}`, { lang }),
  alerts: {
    list: (query: Query) => get<AlertList>('/api/admin/alerts', query),
    rules: (unitId: string) => get<AlertRulesView>('/api/admin/alert-rules', { unitId }),
    setRules: (unitId: string, rules: AlertRules | null) => put<AlertRulesView>(`/api/admin/alert-rules/${id(unitId)}`, { rules }),
  },
  cases: {
    list: (query: Query) => get<CaseList>('/api/admin/cases', query),
    get: (caseId: string) => get<CaseDetail>(`/api/admin/cases/${id(caseId)}`),
    update: (caseId: string, input: CaseUpdate) => patch<CaseDetail>(`/api/admin/cases/${id(caseId)}`, input),
    fromComment: (input: CaseFromComment) => post<CaseDetail>('/api/admin/cases', input),
  },
  comments: {
    tags: (unitId: string) => get<CommentTags>('/api/admin/comment-tags', { unitId }),
    setTags: (provinceId: string, tags: string[]) => put<CommentTags>(`/api/admin/comment-tags/${id(provinceId)}`, { tags }),
    mark: (responseId: string, input: CommentMarkUpdate) => put<CommentMark>(`/api/admin/comments/${id(responseId)}/mark`, input),
  },
  review: {
    list: (query: Query) => get<ReviewPage>('/api/admin/review', query),
    decide: (input: ReviewDecisionInput) => post<ReviewDecisionResult>('/api/admin/review/decisions', input),
  },
  surveyPoints: {
    list: (query: Query) => get<SurveyPointView[]>('/api/admin/survey-points', query),
    get: (pointId: string) => get<SurveyPointView>(`/api/admin/survey-points/${id(pointId)}`),
    create: (input: Partial<CreateSurveyPointInput>) => post<SurveyPointView>('/api/admin/survey-points', input),
    update: (pointId: string, input: UpdateSurveyPointInput) => patch<SurveyPointView>(`/api/admin/survey-points/${id(pointId)}`, input),
    rotate: (pointId: string) => post<SurveyPointView>(`/api/admin/survey-points/${id(pointId)}/rotate`),
    /** Files to open or download (same origin, the session cookie goes along). */
    fileUrl: (pointId: string, file: 'qr.svg' | 'qr.png' | 'poster', query: Query = {}) => `/api/admin/survey-points/${id(pointId)}/${file}${queryString(query)}`,
    postersUrl: (query: Query) => `/api/admin/survey-points/posters${queryString(query)}`,
  },
  instruments: {
    list: () => get<InstrumentList>('/api/admin/instruments'),
    get: (instrumentId: string) => get<InstrumentDetail>(`/api/admin/instruments/${id(instrumentId)}`),
    catalogue: () => get<Catalogue>('/api/admin/instruments/catalogue'),
    create: (input: QuestionnaireCreate) => post<InstrumentDetail>('/api/admin/instruments', input),
    save: (instrumentId: string, input: QuestionnaireSave) => put<InstrumentDetail>(`/api/admin/instruments/${id(instrumentId)}`, input),
    newVersion: (instrumentId: string) => post<InstrumentDetail>(`/api/admin/instruments/${id(instrumentId)}/versions`),
    publish: (instrumentId: string) => post<InstrumentDetail>(`/api/admin/instruments/${id(instrumentId)}/publish`),
    discard: (instrumentId: string) => del<{ ok: true }>(`/api/admin/instruments/${id(instrumentId)}`),
    assign: (instrumentId: string, input: QuestionnaireAssign) => post<AssignResult>(`/api/admin/instruments/${id(instrumentId)}/assign`, input),
  },
  importResponses: (unitId: string, mode: 'preview' | 'commit', file: Blob) =>
    call<ResponseImportResult>('POST', `/api/admin/imports/responses${queryString({ unitId, mode })}`, undefined, file),
};
