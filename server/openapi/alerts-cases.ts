import type { z } from 'zod';
import { AlertList, CaseDetail, CaseList, CaseUpdate, type Alert, type CaseItem } from '../../schema/alerts.js';
import type { ErrorCode } from '../../schema/errors.js';
import { ADMIN_SECURITY } from './survey-points.js';

type Json = { [key: string]: unknown };
type ErrorResponse = (description: string, codes: readonly ErrorCode[]) => Json;
type SchemaOf = (schema: z.ZodType, io: 'input' | 'output') => Json;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, examples: Record<string, { summary?: string; value: unknown }>) => ({ 'application/json': { schema, examples } });

export const ALERT_CASE_TAG = {
  name: 'alerts-and-cases',
  description:
    'Alerts the rules raise (a criterion clearly below the target, a significant drop, an answer of 1 with a comment, a silent survey point, a burst of suspect answers) and the follow-up cases opened for them. ' +
    'Read with dashboard.read in the caller’s subtrees; cases change with surveys.write. Every change is audited and sent as the case.updated webhook.',
};

const EXAMPLE_ALERT: Alert = {
  id: 'a8k2m9q4x7w3z6tb',
  unit: { id: 'u7c4m9x2k8q3w5za', name: 'Trung tâm Phục vụ hành chính công phường Giá Rai' },
  rule: 'low_score',
  title: 'Thái độ công chức – Quầy 3 – Đất đai, xây dựng: 50.0% (cận trên 66.8% < mục tiêu 80.0%)',
  detail: { criterion: 'QUAY.2', counter: { id: 'c9x2k8q3w5za7c4m', code: 'Q3', name: 'Quầy 3 – Đất đai, xây dựng' }, index: 50, upper: 66.8, n: 34, target: 80, from: '2026-10-22', to: '2026-11-20' },
  openedAt: '2026-11-20T03:00:00.000Z',
  lastSeenAt: '2026-11-20T04:00:00.000Z',
  closedAt: null,
  caseId: 'k5m2q9x4w7z3a6tc',
};

const EXAMPLE_CASE: CaseItem = {
  id: 'k5m2q9x4w7z3a6tc',
  unit: EXAMPLE_ALERT.unit,
  source: 'alert',
  title: EXAMPLE_ALERT.title,
  status: 'in_progress',
  assignee: { id: 's2m9q4x7w3z6ta8k', name: 'Giám sát TT PVHCC phường Giá Rai' },
  dueDay: '2026-11-27',
  overdue: false,
  openedAt: '2026-11-20T03:00:00.000Z',
  closedAt: null,
  hoursToResolution: null,
  alertId: EXAMPLE_ALERT.id,
};

const EXAMPLE_DETAIL: CaseDetail = {
  ...EXAMPLE_CASE,
  resolution: null,
  openedBy: 'system:alert',
  notes: [{ at: '2026-11-20T08:15:00.000Z', author: 'Giám sát TT PVHCC phường Giá Rai', statusFrom: 'new', statusTo: 'in_progress', text: 'Đã trao đổi với cán bộ quầy 3' }],
  answers: [],
  alert: EXAMPLE_ALERT,
  assignable: [{ id: 's2m9q4x7w3z6ta8k', name: 'Giám sát TT PVHCC phường Giá Rai' }],
};

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The case id, from GET /api/admin/cases or an alert’s caseId (see the links).',
  schema: { type: 'string', minLength: 1, maxLength: 64 },
};

const CASE_LINKS = {
  getCase: { operationId: 'getCase', parameters: { id: '$response.body#/items/0/id' } },
  updateCase: { operationId: 'updateCase', parameters: { id: '$response.body#/items/0/id' } },
};

export function alertCasePaths(errorResponse: ErrorResponse): Json {
  const common = { tags: ['alerts-and-cases'], security: ADMIN_SECURITY };
  return {
    '/api/admin/alerts': {
      get: {
        ...common,
        operationId: 'listAlerts',
        summary: 'Alerts of the caller’s area (open by default), newest first, each with its case',
        parameters: [
          { name: 'state', in: 'query', required: false, schema: { type: 'string', enum: ['open', 'closed', 'all'], default: 'open' } },
          { name: 'rule', in: 'query', required: false, schema: { type: 'string', enum: ['low_score', 'drop', 'low_comment', 'silent_point', 'suspect_burst'] } },
          { name: 'unitId', in: 'query', required: false, schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'The alerts', content: json(ref('AlertList'), { giaRai: { value: { items: [EXAMPLE_ALERT], total: 1 } } }) },
          '401': errorResponse('Not signed in', ['unauthenticated']),
          '403': errorResponse('The unit is outside the caller’s area', ['forbidden', 'forbidden_unit']),
        },
      },
    },
    '/api/admin/cases': {
      get: {
        ...common,
        operationId: 'listCases',
        summary: 'Cases of the caller’s area with the inbox counts (by status, overdue, mean hours to resolution)',
        parameters: [
          { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['new', 'in_progress', 'resolved', 'dismissed'] } },
          { name: 'mine', in: 'query', required: false, description: 'Only cases assigned to the caller.', schema: { type: 'string', enum: ['true', 'false'] } },
          { name: 'overdue', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
          { name: 'unitId', in: 'query', required: false, schema: { type: 'string' } },
        ],
        responses: {
          '200': {
            description: 'The cases',
            content: json(ref('CaseList'), {
              inbox: { value: { items: [EXAMPLE_CASE], total: 1, summary: { byStatus: { new: 0, in_progress: 1, resolved: 0, dismissed: 0 }, overdue: 0, meanHoursToResolution: null } } },
            }),
            links: CASE_LINKS,
          },
          '401': errorResponse('Not signed in', ['unauthenticated']),
        },
      },
    },
    '/api/admin/cases/{id}': {
      get: {
        ...common,
        operationId: 'getCase',
        summary: 'A case with its history, the answers behind it, its alert and who may take it',
        parameters: [idParameter],
        responses: {
          '200': { description: 'The case', content: json(ref('CaseDetail'), { inProgress: { value: EXAMPLE_DETAIL } }) },
          '403': errorResponse('Outside the caller’s area', ['forbidden_unit']),
          '404': errorResponse('No such case', ['not_found']),
        },
      },
      patch: {
        ...common,
        operationId: 'updateCase',
        summary: 'Move a case on (mới → đang xử lý → đã xử lý / không xử lý, with a note), assign it, set its due day or resolution',
        parameters: [idParameter],
        requestBody: {
          required: true,
          content: json(ref('CaseUpdate'), { start: { summary: 'Take it in hand', value: { status: 'in_progress', note: 'Đã trao đổi với cán bộ quầy 3' } } }),
        },
        responses: {
          '200': { description: 'The case as changed', content: json(ref('CaseDetail'), { inProgress: { value: EXAMPLE_DETAIL } }) },
          '400': errorResponse('A status change without a note, or an assignee who is not a user of the unit', ['validation_failed', 'invalid_json']),
          '403': errorResponse('Outside the caller’s area, or a role that may not change cases', ['forbidden', 'forbidden_unit']),
          '404': errorResponse('No such case', ['not_found']),
          '409': errorResponse('Not a step the case can take from its status', ['conflict']),
        },
      },
    },
  };
}

export function alertCaseSchemas(schemaOf: SchemaOf): Json {
  return {
    AlertList: schemaOf(AlertList, 'output'),
    CaseList: schemaOf(CaseList, 'output'),
    CaseDetail: schemaOf(CaseDetail, 'output'),
    CaseUpdate: schemaOf(CaseUpdate, 'input'),
  };
}
