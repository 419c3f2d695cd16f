import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PublicSurvey } from '../../schema/survey.js';
import { createApp } from '../app.js';
import { silentLogger } from '../log.js';
import { aSite, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { loadBuiltUi } from '../ui.js';

let t: TestContext;
let site: TestSite;

beforeEach(async () => {
  t = await makeTestApp({ env: { COMMENT_MAX_CHARS: '500' } });
  site = await aSite(t.db, t.clock);
});
afterEach(async () => t.cleanup());

describe('the survey page learns the comment limit from the server', () => {
  it('GET /api/survey/:code and the survey embedded in /s/:code carry COMMENT_MAX_CHARS', async () => {
    const fetched = PublicSurvey.parse(await (await t.app.request(`/api/survey/${site.surveyCode}`)).json());
    expect(fetched.commentMaxChars).toBe(500);

    const dist = path.join(t.dir, 'dist');
    mkdirSync(path.join(dist, 'survey'), { recursive: true });
    writeFileSync(path.join(dist, 'survey', 'index.html'), '<!doctype html><html><head></head><body></body></html>');
    const app = createApp({ db: t.db, config: t.config, clock: t.clock, logger: silentLogger, ui: { survey: loadBuiltUi('survey', '/s', dist) } });
    const html = await (await app.request(`/s/${site.surveyCode}`)).text();
    const embedded = /<script type="application\/json" id="survey-data">(.*?)<\/script>/.exec(html)![1]!;
    expect(PublicSurvey.parse(JSON.parse(embedded))).toEqual(fetched);
  });
});
