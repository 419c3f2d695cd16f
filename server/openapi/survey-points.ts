import type { z } from 'zod';
import type { ErrorCode } from '../../schema/errors.js';
import { CreateSurveyPointInput, QR_SIZES, SurveyPointView, UpdateSurveyPointInput } from '../../schema/surveypoints.js';
import { QUAY_V1 } from '../instruments/catalogue.js';
import { surveyUrl } from '../qr/qr.js';
import { DEMO_SURVEY_CODE, DEMO_SURVEY_POINT_UNIT_CODE } from '../seed/demo-data.js';

type Json = { [key: string]: unknown };
type ErrorResponse = (description: string, codes: readonly ErrorCode[]) => Json;
type SchemaOf = (schema: z.ZodType, io: 'input' | 'output') => Json;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, examples: Record<string, { summary?: string; value: unknown }>) => ({ 'application/json': { schema, examples } });

/** Signed-in admin calls: the session cookie, and on writes the CSRF token of the sign-in reply. */
export const ADMIN_SECURITY = [{ session: [], csrf: [] }];

export function adminSecuritySchemes(sessionCookie: string): Json {
  return {
    session: {
      type: 'apiKey',
      in: 'cookie',
      name: sessionCookie,
      description:
        'An admin session, as the admin pages use: POST /api/auth/login {"username", "password"} sets this cookie (HttpOnly). ' +
        'A centre supervisor manages the points of their centre, a provincial officer those of their province.',
    },
    csrf: {
      type: 'apiKey',
      in: 'header',
      name: 'x-csrf-token',
      description: 'The csrfToken of the sign-in reply (or of GET /api/auth/session); required on every POST and PATCH.',
    },
  };
}

/** The demo's point for counter Q4 of the Giá Rai centre, as the create example makes it. */
function examplePoint(publicBaseUrl: string): SurveyPointView {
  return {
    id: 'p3x9k2m7q4w8z6ta',
    code: DEMO_SURVEY_CODE,
    url: surveyUrl(publicBaseUrl, DEMO_SURVEY_CODE),
    unitId: 'u7c4m9x2k8q3w5za',
    unitCode: DEMO_SURVEY_POINT_UNIT_CODE,
    unitName: 'Trung tâm Phục vụ hành chính công phường Giá Rai',
    counterId: 'c2k8q3w5za7c4m9x',
    counterCode: 'Q1',
    counterName: 'Quầy 1 – Hộ tịch, chứng thực',
    instrumentId: 'QUAY@1',
    instrumentTitle: QUAY_V1.title,
    status: 'open',
    kiosk: false,
    callbackOffered: false,
    lastAnswerAt: '2026-11-20T02:41:07.000Z',
    createdAt: '2026-07-01T01:00:00.000Z',
    updatedAt: '2026-07-01T01:00:00.000Z',
  };
}

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The survey point id, from GET /api/admin/survey-points or the reply that created it (see its links).',
  schema: { type: 'string', minLength: 1, maxLength: 40 },
};

const sizeParameter = (description: string, examples: readonly (typeof QR_SIZES)[number][]) => ({
  name: 'size',
  in: 'query',
  required: false,
  description,
  schema: { type: 'string', enum: [...QR_SIZES], default: 'a4' },
  examples: Object.fromEntries(examples.map((size) => [size, { value: size }])),
});

/** Every operation on a point, reachable from a reply that carries its id. */
const POINT_LINKS = {
  getSurveyPoint: { operationId: 'getSurveyPoint', parameters: { id: '$response.body#/id' } },
  updateSurveyPoint: { operationId: 'updateSurveyPoint', parameters: { id: '$response.body#/id' } },
  rotateSurveyPointCode: { operationId: 'rotateSurveyPointCode', parameters: { id: '$response.body#/id' } },
  getSurveyPointQrSvg: { operationId: 'getSurveyPointQrSvg', parameters: { id: '$response.body#/id' } },
  getSurveyPointQrPng: { operationId: 'getSurveyPointQrPng', parameters: { id: '$response.body#/id' } },
  getSurveyPointPoster: { operationId: 'getSurveyPointPoster', parameters: { id: '$response.body#/id' } },
  printUnitPosters: { operationId: 'printUnitPosters', parameters: { unitId: '$response.body#/unitId' } },
};

/**
 * The survey-point routes of the admin API: where each QR leads, its questionnaire, open/closed,
 * counter tablet or not, code rotation, and the QR and posters to print. The examples work on the
 * demo that `npm start` seeds, signed in as its Giá Rai supervisor (giarai.giamsat).
 */
export function surveyPointPaths(publicBaseUrl: string, errorResponse: ErrorResponse): Json {
  const point = examplePoint(publicBaseUrl);
  const signedIn = errorResponse('Not signed in, or the session expired', ['unauthenticated']);
  const refused = errorResponse("The role does not allow it, the point is outside the caller's area, or the CSRF token is missing", [
    'forbidden',
    'forbidden_unit',
    'csrf_failed',
  ]);
  const unknown = errorResponse('No such survey point', ['not_found']);
  const base = { tags: ['survey-points'], security: ADMIN_SECURITY };
  const file = (type: string, description: string) => ({ description, content: { [type]: { schema: { type: 'string' } } } });
  return {
    '/api/admin/survey-points': {
      get: {
        ...base,
        operationId: 'listSurveyPoints',
        summary: "The survey points in the caller's area, by unit and counter, with their questionnaire and last answer time",
        parameters: [
          { name: 'unitId', in: 'query', required: false, description: "Only this unit's subtree.", schema: { type: 'string', maxLength: 40 } },
          {
            name: 'unitCode',
            in: 'query',
            required: false,
            description: "Only this unit's subtree, by its code (unique in the caller's area).",
            schema: { type: 'string', maxLength: 40 },
            examples: { giaRai: { value: DEMO_SURVEY_POINT_UNIT_CODE } },
          },
          { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['open', 'closed'] }, examples: { open: { value: 'open' } } },
        ],
        responses: {
          '200': { description: 'The points', content: json({ type: 'array', items: ref('SurveyPointView') }, { points: { value: [point] } }) },
          '400': errorResponse('A query parameter is not valid, or the unit code is unknown in the area', ['validation_failed']),
          '401': signedIn,
          '403': refused,
          '404': errorResponse('No such unit', ['not_found']),
        },
      },
      post: {
        ...base,
        operationId: 'createSurveyPoint',
        summary: 'Create a survey point for a counter, for the whole centre, or a counter tablet (kiosk)',
        description:
          'Name the unit by unitId or unitCode, the counter (if any) by counterId or counterCode. The questionnaire must be published, ' +
          "and built in or the unit's province's own. A kiosk point takes answers one after another on the centre's tablet " +
          '(channel counter_tablet, no per-device limit).',
        requestBody: {
          required: true,
          content: json(ref('SurveyPointCreate'), {
            kiosk: {
              summary: 'A counter tablet at counter Q4 of the Giá Rai centre',
              value: { unitCode: DEMO_SURVEY_POINT_UNIT_CODE, counterCode: 'Q4', instrumentId: 'QUAY@1', kiosk: true },
            },
            centreWide: {
              summary: 'A centre-wide QR asking the SIPAS 2023–2026 service part',
              value: { unitCode: DEMO_SURVEY_POINT_UNIT_CODE, instrumentId: 'S23S@1' },
            },
          }),
        },
        responses: {
          '201': { description: 'Created', content: json(ref('SurveyPointView'), { created: { value: point } }), links: POINT_LINKS },
          '400': errorResponse('The body is not valid: an unknown unit or counter code, or a questionnaire it may not use', ['validation_failed', 'invalid_json']),
          '401': signedIn,
          '403': refused,
          '404': errorResponse('No such unit', ['not_found']),
        },
      },
    },
    '/api/admin/survey-points/posters': {
      get: {
        ...base,
        operationId: 'printUnitPosters',
        summary: 'Every open point of a unit (a centre, a commune, a province) as one printable page set, one sheet each',
        parameters: [
          { name: 'unitId', in: 'query', required: true, description: 'The unit, e.g. the unitId of a point (see links).', schema: { type: 'string', maxLength: 40 } },
          sizeParameter('a4, a5, a folded A4 table tent, or an 80 mm receipt strip.', ['a4', 'tent']),
          { name: 'includeClosed', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'], default: 'false' } },
        ],
        responses: {
          '200': file('text/html', 'The page: print it at 100% scale'),
          '400': errorResponse('unitId is missing or a parameter is not valid', ['validation_failed']),
          '401': signedIn,
          '403': refused,
          '404': errorResponse('No such unit', ['not_found']),
        },
      },
    },
    '/api/admin/survey-points/{id}': {
      get: {
        ...base,
        operationId: 'getSurveyPoint',
        summary: 'One survey point',
        parameters: [idParameter],
        responses: { '200': { description: 'The point', content: json(ref('SurveyPointView'), { point: { value: point } }) }, '401': signedIn, '403': refused, '404': unknown },
      },
      patch: {
        ...base,
        operationId: 'updateSurveyPoint',
        summary: 'Close or reopen a point, change its questionnaire, or make it a counter tablet',
        parameters: [idParameter],
        requestBody: {
          required: true,
          content: json(ref('SurveyPointUpdate'), {
            close: { summary: 'Stop taking answers (the QR then says the survey is closed)', value: { status: 'closed' } },
            reopen: { value: { status: 'open' } },
            questionnaire: { summary: 'Ask the SIPAS 2023–2026 service part from now on', value: { instrumentId: 'S23S@1' } },
          }),
        },
        responses: {
          '200': { description: 'Changed', content: json(ref('SurveyPointView'), { changed: { value: { ...point, instrumentId: 'S23S@1' } } }) },
          '400': errorResponse('The body is not valid, or names a questionnaire the point may not use', ['validation_failed', 'invalid_json']),
          '401': signedIn,
          '403': refused,
          '404': unknown,
        },
      },
    },
    '/api/admin/survey-points/{id}/rotate': {
      post: {
        ...base,
        operationId: 'rotateSurveyPointCode',
        summary: 'Give the point a new code: the old QR stops working (it then says the code is no longer in use)',
        description: 'For a poster photographed and shared, or a code that leaked. Print the new posters afterwards.',
        parameters: [idParameter],
        responses: {
          '200': { description: 'The point with its new code and URL', content: json(ref('SurveyPointView'), { rotated: { value: point } }) },
          '401': signedIn,
          '403': refused,
          '404': unknown,
        },
      },
    },
    '/api/admin/survey-points/{id}/qr.svg': {
      get: {
        ...base,
        operationId: 'getSurveyPointQrSvg',
        summary: "The point's QR code as SVG (scalable, for print shops)",
        parameters: [idParameter],
        responses: { '200': file('image/svg+xml', 'The QR code'), '401': signedIn, '403': refused, '404': unknown },
      },
    },
    '/api/admin/survey-points/{id}/qr.png': {
      get: {
        ...base,
        operationId: 'getSurveyPointQrPng',
        summary: "The point's QR code as a 1-bit PNG at 300 dpi for the print size",
        parameters: [idParameter, sizeParameter('a4 (120 mm), a5 (85 mm), tent (66 mm) or receipt (30 mm).', ['a4', 'receipt'])],
        responses: {
          '200': file('image/png', 'The QR code'),
          '400': errorResponse('Unknown size', ['validation_failed']),
          '401': signedIn,
          '403': refused,
          '404': unknown,
        },
      },
    },
    '/api/admin/survey-points/{id}/poster': {
      get: {
        ...base,
        operationId: 'getSurveyPointPoster',
        summary: "The point's printable poster: A4, A5, a table tent, or a receipt strip",
        parameters: [idParameter, sizeParameter('a4, a5, a folded A4 table tent, or an 80 mm receipt strip.', ['a4', 'a5', 'tent', 'receipt'])],
        responses: {
          '200': file('text/html', 'The poster page: print it at 100% scale'),
          '400': errorResponse('Unknown size', ['validation_failed']),
          '401': signedIn,
          '403': refused,
          '404': unknown,
        },
      },
    },
  };
}

export function surveyPointSchemas(schemaOf: SchemaOf): Json {
  return {
    SurveyPointView: schemaOf(SurveyPointView, 'output'),
    SurveyPointCreate: schemaOf(CreateSurveyPointInput, 'input'),
    SurveyPointUpdate: schemaOf(UpdateSurveyPointInput, 'input'),
  };
}

export const SURVEY_POINT_TAG = {
  name: 'survey-points',
  description: 'Survey points, their QR codes and printable posters (admin session; the examples work on the demo as its Giá Rai supervisor)',
};
