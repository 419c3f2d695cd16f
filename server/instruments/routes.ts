import { Hono } from 'hono';
import { QuestionnaireAssign, QuestionnaireCreate, QuestionnaireSave } from '../../schema/questionnaires.js';
import { requirePermission, type AuthEnv } from '../auth/middleware.js';
import type { Deps } from '../deps.js';
import { readJsonWith } from '../http.js';
import {
  assignQuestionnaire,
  createQuestionnaire,
  deleteDraft,
  getQuestionnaire,
  listQuestionnaires,
  newQuestionnaireVersion,
  publishQuestionnaire,
  saveQuestionnaire,
  sipasCatalogue,
} from './questionnaires.js';

/**
 * /api/admin/instruments: the questionnaires. Everyone who reads survey points reads them; the
 * province's officers (instruments.write) write them; assigning one to survey points is a change to
 * those points (surveys.write), checked point by point against the caller's area.
 */
export function instrumentRoutes(deps: Deps) {
  const read = requirePermission('surveys.read');
  const write = requirePermission('instruments.write');
  const assign = requirePermission('surveys.write');
  // A long questionnaire (S17 with edits is ~12 KB, a 300-item one far more) may exceed the citizens' body limit.
  const limit = Math.max(deps.config.bodyLimitBytes, 512 * 1024);
  return new Hono<AuthEnv>()
    .get('/', read, async (c) => c.json(await listQuestionnaires(deps, c.get('actor'))))
    .get('/catalogue', read, (c) => c.json(sipasCatalogue()))
    .post('/', write, async (c) => {
      const input = await readJsonWith(c, limit, QuestionnaireCreate);
      return c.json(await createQuestionnaire(deps, c.get('actor'), input), 201);
    })
    .get('/:id', read, async (c) => c.json(await getQuestionnaire(deps, c.get('actor'), c.req.param('id'))))
    .put('/:id', write, async (c) => {
      const input = await readJsonWith(c, limit, QuestionnaireSave);
      const saved = await saveQuestionnaire(deps, c.get('actor'), c.req.param('id'), input);
      return c.json(saved.questionnaire, saved.created ? 201 : 200);
    })
    .delete('/:id', write, async (c) => {
      await deleteDraft(deps, c.get('actor'), c.req.param('id'));
      return c.json({ ok: true as const });
    })
    .post('/:id/versions', write, async (c) => c.json(await newQuestionnaireVersion(deps, c.get('actor'), c.req.param('id')), 201))
    .post('/:id/publish', write, async (c) => c.json(await publishQuestionnaire(deps, c.get('actor'), c.req.param('id'))))
    .post('/:id/assign', assign, async (c) => {
      const input = await readJsonWith(c, limit, QuestionnaireAssign);
      return c.json(await assignQuestionnaire(deps, c.get('actor'), c.req.param('id'), input));
    });
}
