import { z } from 'zod';
import { ErrorBody, type ErrorCode } from '../../schema/errors.js';
import { DossierState, DossierUpdate, UnitIndicatorInput, UnitIndicatorResult } from '../../schema/dossiers.js';
import { InvitationInput, InvitationIssued } from '../../schema/invitations.js';
import { instrumentId } from '../../schema/instrument.js';
import { PublicSurvey, SubmitResult, SurveyResponseInput } from '../../schema/survey.js';
import { CALLBACK_WINDOW_HOURS, CallbackContactInput, CallbackContactResult, CONSENT_VERSION } from '../../schema/callbacks.js';
import { QUAY_V1 } from '../instruments/catalogue.js';
import { qrPng, qrSvg, surveyUrl } from '../qr/qr.js';
import { DEMO_INVITATION_TOKEN, DEMO_SURVEY_CODE, DEMO_SURVEY_POINT_UNIT_CODE } from '../seed/demo-data.js';
import { adminSecuritySchemes, SURVEY_POINT_TAG, surveyPointPaths, surveyPointSchemas } from './survey-points.js';
import { ALERT_CASE_TAG, alertCasePaths, alertCaseSchemas } from './alerts-cases.js';
import { WEBHOOK_TAG, webhookDocs } from './webhooks.js';

type Json = { [key: string]: unknown };

/** JSON Schema 2020-12 (the dialect of OpenAPI 3.1) straight from the zod contract the server parses with. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Fixed, so the document is the same on every start, and the demo's own (its Q1 counter, one of its invitations). */
export const EXAMPLE_TOKEN = DEMO_INVITATION_TOKEN;
export const EXAMPLE_SURVEY_CODE = DEMO_SURVEY_CODE;

export const EXAMPLE_INVITATION_INPUT = {
  dossierCode: 'H96.31942-261120-0001',
  counterCode: 'Q1',
  receivedAt: '2026-11-20T09:30:00+07:00',
  dueAt: '2026-11-25T17:00:00+07:00',
  expiresInDays: 30,
} satisfies z.input<typeof InvitationInput>;

const EXAMPLE_INVITATION_FULL = {
  ...EXAMPLE_INVITATION_INPUT,
  dossierCode: 'H96.31942-261120-0002',
  unitCode: DEMO_SURVEY_POINT_UNIT_CODE,
  procedureCode: '1.001193',
  staffCode: 'CB0041',
  returnedAt: '2026-11-24T15:10:00+07:00',
} satisfies z.input<typeof InvitationInput>;

/**
 * A dossier with the facts the TT 01/2018 indicators need, as the demo's one-stop software sends it
 * (its API key is for the Giá Rai ward centre, 31942-TTPVHCC): these examples work on `npm start`'s demo.
 */
export const EXAMPLE_DOSSIER_CODE = 'H96.31942-261118-0007';

export const EXAMPLE_INVITATION_WITH_FACTS = {
  dossierCode: EXAMPLE_DOSSIER_CODE,
  counterCode: 'Q3',
  procedureCode: '1.012753',
  staffCode: 'CB0045',
  receivedAt: '2026-11-18T08:15:00+07:00',
  dueAt: '2026-12-02T17:00:00+07:00',
  agencySteps: [
    { agency: 'Văn phòng Đăng ký đất đai', dueAt: '2026-11-28T17:00:00+07:00' },
    { agency: 'Chi cục Thuế', dueAt: '2026-11-30T17:00:00+07:00' },
  ],
  completionContacts: 0,
  agenciesContacted: 1,
  publication: 'posted_and_online',
  expiresInDays: 45,
} satisfies z.input<typeof InvitationInput>;

/** What becomes known at return, for the same dossier. */
export const EXAMPLE_DOSSIER_UPDATE = {
  returnedAt: '2026-12-01T10:30:00+07:00',
  agencySteps: [
    { agency: 'Văn phòng Đăng ký đất đai', dueAt: '2026-11-28T17:00:00+07:00', completedAt: '2026-11-27T16:00:00+07:00' },
    { agency: 'Chi cục Thuế', dueAt: '2026-11-30T17:00:00+07:00', completedAt: '2026-11-30T09:00:00+07:00' },
  ],
  late: false,
  complaints: [],
} satisfies DossierUpdate;

export const EXAMPLE_DOSSIER_COMPLAINT = {
  complaints: [
    {
      receivedAt: '2026-11-25T09:00:00+07:00',
      dueAt: '2026-12-09T17:00:00+07:00',
      answeredAt: '2026-12-03T15:00:00+07:00',
      substantiated: false,
    },
  ],
} satisfies DossierUpdate;

export const EXAMPLE_UNIT_INDICATORS = {
  period: '2026-Q4',
  scores: { 'D18.5': 2, 'D18.9': 1.5 },
} satisfies UnitIndicatorInput;

export const EXAMPLE_RESPONSE = {
  id: '0b6c8f1e-3d2a-4c5b-9e7f-1a2b3c4d5e6f',
  code: EXAMPLE_SURVEY_CODE,
  instrumentId: instrumentId(QUAY_V1.code, QUAY_V1.version),
  answers: { 'QUAY.1': 5, 'QUAY.2': 4, 'QUAY.3': 4, 'QUAY.4': null, 'QUAY.ALL': 5 },
  comment: 'Cán bộ hướng dẫn tận tình, dễ hiểu.',
  lang: 'vi',
  kiosk: false,
} satisfies z.input<typeof SurveyResponseInput>;

/** A low answer (a 2 for the first criterion) at the demo's Q1 point, which offers call-backs: the contact example follows it. */
export const EXAMPLE_LOW_RESPONSE = {
  id: '5d1e7a3c-9b2f-4e6a-8c4d-2f3a4b5c6d7e',
  code: EXAMPLE_SURVEY_CODE,
  instrumentId: instrumentId(QUAY_V1.code, QUAY_V1.version),
  answers: { 'QUAY.1': 2, 'QUAY.2': 3, 'QUAY.3': 3, 'QUAY.4': null, 'QUAY.ALL': 2 },
  lang: 'vi',
} satisfies z.input<typeof SurveyResponseInput>;

export const EXAMPLE_CONTACT = {
  kind: 'phone',
  value: '0912 345 678',
  consent: true,
  consentVersion: CONSENT_VERSION,
} satisfies z.input<typeof CallbackContactInput>;

function errorResponse(description: string, codes: readonly ErrorCode[]) {
  return {
    description: `${description} (error.code: ${codes.join(', ')})`,
    content: {
      'application/json': {
        schema: ref('ErrorBody'),
        examples: Object.fromEntries(
          codes.map((code) => [code, { value: { error: { code, message: `Example message for ${code}` } } }]),
        ),
      },
    },
  };
}

const json = (schema: Json, examples: Record<string, { summary?: string; value: unknown }>) => ({
  'application/json': { schema, examples },
});

/**
 * The integration API as OpenAPI 3.1: the per-dossier invitation call for one-stop systems, and the
 * two calls the survey page makes (anyone can build their own kiosk or portal form on them). Every
 * schema is generated from the zod schema that the server itself validates with, so they cannot drift.
 */
export async function openApiDocument(publicBaseUrl: string, options: { sessionCookie?: string } = {}): Promise<Json> {
  const link = surveyUrl(publicBaseUrl, EXAMPLE_TOKEN);
  const issued: InvitationIssued = {
    id: 'x3kq8m2v7wz4p9ta',
    url: link,
    qrSvg: await qrSvg(link),
    qrPngBase64: (await qrPng(link, 'receipt')).toString('base64'),
    expiresAt: '2026-12-20T02:30:00.000Z',
  };
  const survey: PublicSurvey = {
    code: EXAMPLE_SURVEY_CODE,
    kind: 'point',
    unitName: 'Trung tâm Phục vụ hành chính công phường Bến Thành',
    counterName: 'Quầy 1',
    procedureName: null,
    kiosk: false,
    instrument: { id: EXAMPLE_RESPONSE.instrumentId, definition: QUAY_V1 },
    commentMaxChars: 2000,
  };
  const code = {
    name: 'code',
    in: 'path',
    required: true,
    description: 'A survey-point code (10 characters, printed in the counter QR) or a 43-character invitation token.',
    schema: { type: 'string', minLength: 4, maxLength: 200 },
    examples: { point: { value: EXAMPLE_SURVEY_CODE }, invitation: { value: EXAMPLE_TOKEN } },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'SIPAS survey platform — integration API',
      version: '1.0.0',
      description:
        'Per-dossier survey invitations for one-stop (một cửa) software, and the public survey calls. ' +
        'Errors always have the shape {"error": {"code", "message", "issues"?}}; switch on error.code.',
    },
    servers: [{ url: publicBaseUrl }],
    tags: [
      { name: 'invitations', description: 'Single-use survey links per dossier, and the dossier facts the indicators need (API key)' },
      { name: 'survey', description: 'What the citizen survey page calls (public)' },
      SURVEY_POINT_TAG,
      ALERT_CASE_TAG,
      WEBHOOK_TAG,
    ],
    paths: {
      '/api/v1/invitations': {
        post: {
          tags: ['invitations'],
          operationId: 'issueInvitation',
          summary: 'Issue a single-use survey link for one dossier',
          description:
            'Returns the link (print it on the receipt or send it by SMS) and the same link as a QR code. ' +
            'The token is shown only in this reply; the server keeps its SHA-256, and the dossier code only as a keyed hash. ' +
            'Issuing again for the same dossier replaces a link not yet used; once the dossier is evaluated the call answers 409. ' +
            "An API key may only issue for its own unit's subtree: a unit or counter code outside it is answered as an unknown one (400).",
          security: [{ apiKey: [] }],
          requestBody: {
            required: true,
            content: json(ref('InvitationInput'), {
              atCounter: { summary: 'A dossier received at counter Q1', value: EXAMPLE_INVITATION_INPUT },
              withCatalogue: { summary: 'With centre, procedure (mã TTHC) and official', value: EXAMPLE_INVITATION_FULL },
              withFacts: { summary: 'With the facts the TT 01/2018 indicators need (works on the demo)', value: EXAMPLE_INVITATION_WITH_FACTS },
            }),
          },
          responses: {
            '201': { description: 'Issued', content: json(ref('InvitationIssued'), { issued: { value: issued } }) },
            '400': errorResponse("The body is not valid, or names a unit, counter, procedure or official unknown in the key's area", [
              'validation_failed',
              'invalid_json',
            ]),
            '401': errorResponse('Missing, unknown or revoked API key', ['unauthenticated']),
            '409': errorResponse('This dossier has already been evaluated', ['conflict']),
            '413': errorResponse('Body too large', ['payload_too_large']),
            '415': errorResponse('Body is not JSON', ['unsupported_media_type']),
          },
        },
      },
      '/api/v1/dossiers/{dossierCode}': {
        patch: {
          tags: ['invitations'],
          operationId: 'updateDossier',
          summary: "Add a dossier's facts known later, mostly at return",
          description:
            'For the TT 01/2018/TT-VPCP indicators and the QĐ 766 satisfaction ratio: the return time, each agency\'s completion, ' +
            'whether the result was late, complaints and how they were handled. Given fields replace the stored ones (a list replaces the ' +
            'whole list); null clears one. Works before and after the citizen answered. The reply is the dossier as stored with the ' +
            'per-dossier indicator scores it now gives (an indicator without data is absent, not 0). A dossier code issued at several ' +
            "units of the key's area needs unitCode; one outside the area is answered as unknown (404).",
          security: [{ apiKey: [] }],
          parameters: [
            {
              name: 'dossierCode',
              in: 'path',
              required: true,
              description: 'The dossier code as sent when the invitation was issued (percent-encoded).',
              schema: { type: 'string', minLength: 1, maxLength: 100 },
              examples: { demo: { value: EXAMPLE_DOSSIER_CODE } },
            },
          ],
          requestBody: {
            required: true,
            content: json(ref('DossierUpdate'), {
              atReturn: { summary: 'Returned on time, both agencies done, no complaint', value: EXAMPLE_DOSSIER_UPDATE },
              complaint: { summary: 'A complaint, answered before its deadline', value: EXAMPLE_DOSSIER_COMPLAINT },
            }),
          },
          responses: {
            '200': {
              description: 'Updated',
              content: json(ref('DossierState'), {
                updated: {
                  value: {
                    unitCode: '31942-TTPVHCC',
                    receivedAt: '2026-11-18T01:15:00.000Z',
                    dueAt: '2026-12-02T10:00:00.000Z',
                    returnedAt: '2026-12-01T03:30:00.000Z',
                    facts: {
                      agencySteps: EXAMPLE_DOSSIER_UPDATE.agencySteps,
                      completionContacts: 0,
                      agenciesContacted: 1,
                      late: false,
                      complaints: [],
                      publication: 'posted_and_online',
                    },
                    answered: false,
                    dossierDay: '2026-12-01',
                    scores: { 'D18.1': 2, 'D18.2': 1, 'D18.3': 2, 'D18.4': 1, 'D18.6': 2, 'D18.7': 2 },
                    overdue: false,
                  } satisfies DossierState,
                },
              }),
            },
            '400': errorResponse('The body is not valid, or the dossier code was issued at several units', ['validation_failed', 'invalid_json']),
            '401': errorResponse('Missing, unknown or revoked API key', ['unauthenticated']),
            '404': errorResponse("No dossier with this code in the key's area", ['not_found']),
            '413': errorResponse('Body too large', ['payload_too_large']),
            '415': errorResponse('Body is not JSON', ['unsupported_media_type']),
          },
        },
      },
      '/api/v1/unit-indicators': {
        put: {
          tags: ['invitations'],
          operationId: 'setUnitIndicators',
          summary: 'Set the indicator scores a unit gets as a whole for a quarter or year',
          description:
            'TT 01/2018 indicators 5, 6, 8 and 9 are scored per unit from the case-management system (0–2, one decimal). ' +
            "A score given here stands in for the platform's own figure (6 from the dossiers' publication, 8 from their complaints); " +
            'null removes one. A year without its own score takes the mean of the scores given for its quarters. ' +
            "Without unitCode the key's own unit.",
          security: [{ apiKey: [] }],
          requestBody: { required: true, content: json(ref('UnitIndicatorInput'), { quarter: { value: EXAMPLE_UNIT_INDICATORS } }) },
          responses: {
            '200': {
              description: 'Every score now given for the unit and period',
              content: json(ref('UnitIndicatorResult'), {
                set: { value: { unitCode: '31942-TTPVHCC', period: '2026-Q4', scores: { 'D18.5': 2, 'D18.9': 1.5 } } satisfies UnitIndicatorResult },
              }),
            },
            '400': errorResponse("The body is not valid, or names a unit unknown in the key's area", ['validation_failed', 'invalid_json']),
            '401': errorResponse('Missing, unknown or revoked API key', ['unauthenticated']),
            '413': errorResponse('Body too large', ['payload_too_large']),
            '415': errorResponse('Body is not JSON', ['unsupported_media_type']),
          },
        },
      },
      '/api/survey/{code}': {
        get: {
          tags: ['survey'],
          operationId: 'getSurvey',
          summary: 'What the survey page shows for a QR code or invitation link',
          parameters: [code],
          responses: {
            '200': { description: 'The survey to show', content: json(ref('PublicSurvey'), { counter: { value: survey } }) },
            '404': errorResponse('Unknown code or invitation', ['not_found', 'invitation_invalid']),
            '409': errorResponse('The survey point is closed, or the invitation was used', ['survey_point_closed', 'invitation_used']),
            '410': errorResponse('The QR code was replaced, or the invitation expired', ['survey_point_retired', 'invitation_expired']),
          },
        },
      },
      '/api/responses': {
        post: {
          tags: ['survey'],
          operationId: 'submitResponse',
          summary: 'Submit a completed survey',
          description:
            'The id is generated on the device (UUID), so retrying after a network failure is safe: a repeat answers 200 duplicate. ' +
            'An invitation token is single-use: of concurrent submissions with one token exactly one is accepted. ' +
            "Kiosk behaviour (channel counter_tablet, no per-device limit) follows the survey point's own setting; the kiosk field is ignored. " +
            'Answers past the hourly per-device or per-address limits are still stored and acknowledged (201), but flagged for review and left out of the scores until a supervisor accepts them.',
          requestBody: {
            required: true,
            content: json(ref('SurveyResponseInput'), {
              counter: { value: EXAMPLE_RESPONSE },
              low: { summary: 'A low rating: the page then offers a call-back (see leaveCallbackContact)', value: EXAMPLE_LOW_RESPONSE },
            }),
          },
          responses: {
            '201': { description: 'Accepted and stored durably', content: json(ref('SubmitResult'), { accepted: { value: { id: EXAMPLE_RESPONSE.id, status: 'accepted' } } }) },
            '200': { description: 'Already stored earlier (same id)', content: json(ref('SubmitResult'), { duplicate: { value: { id: EXAMPLE_RESPONSE.id, status: 'duplicate' } } }) },
            '400': errorResponse('The answers do not fit the instrument', ['validation_failed', 'invalid_json']),
            '404': errorResponse('Unknown code or invitation', ['not_found', 'invitation_invalid']),
            '409': errorResponse('Closed survey point, invitation already used, or the survey changed instrument since the page loaded', [
              'survey_point_closed',
              'invitation_used',
              'wrong_instrument',
            ]),
            '410': errorResponse('Replaced QR code, or expired invitation', ['survey_point_retired', 'invitation_expired']),
            '413': errorResponse('Body too large', ['payload_too_large']),
            '415': errorResponse('Body is not JSON', ['unsupported_media_type']),
            '503': errorResponse('Storage briefly unavailable; retry after the Retry-After header', ['storage_unavailable']),
          },
        },
      },
      '/api/responses/{id}/contact': {
        post: {
          tags: ['survey'],
          operationId: 'leaveCallbackContact',
          summary: 'Leave a phone number or e-mail to be contacted about a low answer (call-back with consent)',
          description:
            "Sent by the survey page after the answer itself was stored (a failed contact never holds up the answer), where the survey point offers call-backs " +
            '(PublicSurvey.callbackRetentionDays is set; never on a counter tablet) and the answer is low: some 1–5 criterion rated 1 or 2. ' +
            `Accepted within ${CALLBACK_WINDOW_HOURS} hours of the answer, once per answer (a repeat answers 200 duplicate). consent must be true and ` +
            `consentVersion the version of the consent text the page showed (${CONSENT_VERSION}, Nghị định 13/2023/NĐ-CP). ` +
            'A phone number is Vietnamese: a 10-digit mobile (03, 05, 07, 08, 09…) or an 11-digit landline (02…), +84 allowed, spaces and dots ignored. ' +
            "The contact is stored apart from the answer, encrypted (AES-256-GCM), opens a follow-up case for the answer's centre, is shown only to the case's assignee, " +
            'is in no export, and is deleted automatically CALLBACK_RETENTION_DAYS (default 30) after the case is closed.',
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              description: 'The id of the stored answer (the one the page generated and submitted).',
              schema: { type: 'string', format: 'uuid' },
              example: EXAMPLE_LOW_RESPONSE.id,
            },
          ],
          requestBody: { required: true, content: json(ref('CallbackContactInput'), { phone: { value: EXAMPLE_CONTACT } }) },
          responses: {
            '201': { description: 'Stored; a follow-up case is open', content: json(ref('CallbackContactResult'), { stored: { value: { status: 'stored' } } }) },
            '200': { description: 'A contact was already stored for this answer', content: json(ref('CallbackContactResult'), { duplicate: { value: { status: 'duplicate' } } }) },
            '400': errorResponse('Not a Vietnamese phone number or an e-mail address, no consent, or an old consent text', ['validation_failed', 'invalid_json']),
            '404': errorResponse('No answer has this id', ['not_found']),
            '409': errorResponse(`The point offers no call-back, the answer is not low, or it is older than ${CALLBACK_WINDOW_HOURS} hours`, ['conflict']),
            '413': errorResponse('Body too large', ['payload_too_large']),
            '415': errorResponse('Body is not JSON', ['unsupported_media_type']),
          },
        },
      },
      ...surveyPointPaths(publicBaseUrl, errorResponse),
      ...alertCasePaths(errorResponse),
    },
    webhooks: webhookDocs(schemaOf).webhooks,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key created in the admin pages for one unit (starts with sipas_). Send Authorization: Bearer <key>.',
        },
        ...adminSecuritySchemes(options.sessionCookie ?? 'sipas_session'),
      },
      schemas: {
        InvitationInput: schemaOf(InvitationInput, 'input'),
        InvitationIssued: schemaOf(InvitationIssued, 'output'),
        DossierUpdate: schemaOf(DossierUpdate, 'input'),
        DossierState: schemaOf(DossierState, 'output'),
        UnitIndicatorInput: schemaOf(UnitIndicatorInput, 'input'),
        UnitIndicatorResult: schemaOf(UnitIndicatorResult, 'output'),
        PublicSurvey: schemaOf(PublicSurvey, 'output'),
        SurveyResponseInput: schemaOf(SurveyResponseInput, 'input'),
        SubmitResult: schemaOf(SubmitResult, 'output'),
        CallbackContactInput: schemaOf(CallbackContactInput, 'input'),
        CallbackContactResult: schemaOf(CallbackContactResult, 'output'),
        ErrorBody: schemaOf(ErrorBody, 'output'),
        ...surveyPointSchemas(schemaOf),
        ...alertCaseSchemas(schemaOf),
        ...webhookDocs(schemaOf).schemas,
      },
    },
  };
}
