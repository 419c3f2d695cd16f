import { AlertList, CaseDetail, CaseList, CaseUpdate } from '../../schema/alerts.js';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DossierState, DossierUpdate, UnitIndicatorInput, UnitIndicatorResult } from '../../schema/dossiers.js';
import { InvitationInput, InvitationIssued } from '../../schema/invitations.js';
import { PublicSurvey, SubmitResult, SurveyResponseInput } from '../../schema/survey.js';
import { CreateSurveyPointInput, SurveyPointView, UpdateSurveyPointInput } from '../../schema/surveypoints.js';
import { CallbackContactInput, CallbackContactResult } from '../../schema/callbacks.js';
import { ErrorBody } from '../../schema/errors.js';
import { insertApiKey } from '../apikeys/keys.js';
import { EXAMPLE_RESPONSE } from './document.js';
import { isInvitationToken } from '../surveys/resolve.js';
import { aSite, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';

type Json = Record<string, unknown>;
interface MediaType {
  /** A component, or an array of one (a list reply). */
  schema: { $ref: string } | { type: 'array'; items: { $ref: string } };
  examples: Record<string, { value: unknown }>;
}

let t: TestContext;
let site: TestSite;
let doc: Json;
let ajv: Ajv2020;

const ZOD_BY_COMPONENT = {
  InvitationInput,
  InvitationIssued,
  DossierUpdate,
  DossierState,
  UnitIndicatorInput,
  UnitIndicatorResult,
  PublicSurvey,
  SurveyResponseInput,
  SubmitResult,
  ErrorBody,
  CallbackContactInput,
  CallbackContactResult,
  SurveyPointView,
  SurveyPointCreate: CreateSurveyPointInput,
  SurveyPointUpdate: UpdateSurveyPointInput,
  AlertList,
  CaseList,
  CaseDetail,
  CaseUpdate,
} as const;

function componentName(ref: string): keyof typeof ZOD_BY_COMPONENT {
  return ref.replace('#/components/schemas/', '') as keyof typeof ZOD_BY_COMPONENT;
}

/** Validates a value against a component's JSON Schema as published in the document. */
function conformsToDocument(name: string, value: unknown): boolean {
  const validate = ajv.getSchema(`doc#/components/schemas/${name}`);
  if (!validate) throw new Error(`No component ${name} in the document`);
  return validate(value) === true;
}

/** Every request and response media type in the document, with where it is. */
function mediaTypes(): { where: string; media: MediaType }[] {
  const out: { where: string; media: MediaType }[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      const body = op.requestBody as { content: Record<string, MediaType> } | undefined;
      if (body) out.push({ where: `${method} ${path} request`, media: body.content['application/json']! });
      for (const [status, res] of Object.entries(op.responses as Record<string, { content?: Record<string, MediaType> }>)) {
        // QR images and poster pages are files, not JSON.
        const media = res.content?.['application/json'];
        if (media) out.push({ where: `${method} ${path} ${status}`, media });
      }
    }
  }
  return out;
}

beforeAll(async () => {
  t = await makeTestApp({ env: { PUBLIC_BASE_URL: 'https://khaosat.example.gov.vn' } });
  site = await aSite(t.db, t.clock);
  const res = await t.app.request('/api/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Json;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'doc');
});
afterAll(() => t.cleanup());

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(Object.keys(doc.paths as Json).sort()).toEqual([
      '/api/admin/alerts',
      '/api/admin/cases',
      '/api/admin/cases/{id}',
      '/api/admin/survey-points',
      '/api/admin/survey-points/posters',
      '/api/admin/survey-points/{id}',
      '/api/admin/survey-points/{id}/poster',
      '/api/admin/survey-points/{id}/qr.png',
      '/api/admin/survey-points/{id}/qr.svg',
      '/api/admin/survey-points/{id}/rotate',
      '/api/responses',
      '/api/responses/{id}/contact',
      '/api/survey/{code}',
      '/api/v1/dossiers/{dossierCode}',
      '/api/v1/invitations',
      '/api/v1/unit-indicators',
    ]);
  });

  it('has examples that both the published JSON Schema and the zod schema the server parses with accept', () => {
    expect(conformsToDocument('InvitationIssued', { url: 'x' })).toBe(false);
    expect(conformsToDocument('SurveyResponseInput', { ...EXAMPLE_RESPONSE, answers: { 'QUAY.1': 6 } })).toBe(false);
    const seen = mediaTypes();
    expect(seen.length).toBeGreaterThan(10);
    for (const { where, media } of seen) {
      const list = 'items' in media.schema;
      const name = componentName('items' in media.schema ? media.schema.items.$ref : media.schema.$ref);
      for (const [label, example] of Object.entries(media.examples)) {
        const values = list ? (example.value as unknown[]) : [example.value];
        for (const value of values) {
          expect([where, label, conformsToDocument(name, value)]).toEqual([where, label, true]);
          expect([where, label, ZOD_BY_COMPONENT[name].safeParse(value).success]).toEqual([where, label, true]);
        }
      }
    }
  });

  it('the invitation example, sent with a real API key, succeeds and its reply matches the document', async () => {
    const { key } = await t.db.write((tx) => insertApiKey(tx, { unitId: site.centreId, name: 'Một cửa', createdBy: null, at: t.clock.now() }));
    const op = (doc.paths as Record<string, Record<string, Json>>)['/api/v1/invitations']!.post!;
    const example = (op.requestBody as { content: Record<string, MediaType> }).content['application/json']!.examples.atCounter!.value;
    const res = await t.app.request('/api/v1/invitations', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(example),
    });
    expect(res.status).toBe(201);
    const reply = await res.json();
    expect(conformsToDocument('InvitationIssued', reply)).toBe(true);
    const token = (reply as InvitationIssued).url.split('/s/')[1]!;
    expect(isInvitationToken(token)).toBe(true);

    const survey = await t.app.request(`/api/survey/${token}`);
    expect(survey.status).toBe(200);
    expect(conformsToDocument('PublicSurvey', await survey.json())).toBe(true);

    const submitOp = (doc.paths as Record<string, Record<string, Json>>)['/api/responses']!.post!;
    const submitExample = (submitOp.requestBody as { content: Record<string, MediaType> }).content['application/json']!.examples.counter!
      .value as Json;
    const submitted = await t.app.request('/api/responses', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...submitExample, code: token }),
    });
    expect(submitted.status).toBe(201);
    expect(conformsToDocument('SubmitResult', await submitted.json())).toBe(true);

    const refused = await t.app.request('/api/v1/invitations', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...(example as Json), counterCode: 7 }),
    });
    expect(refused.status).toBe(400);
    expect(conformsToDocument('ErrorBody', await refused.json())).toBe(true);
  });
});
