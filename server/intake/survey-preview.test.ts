import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { silentLogger } from '../log.js';
import { aSite, type TestSite } from '../testing/builders.js';
import { makeTestApp, type TestContext } from '../testing/harness.js';
import { loadBuiltUi } from '../ui.js';

let t: TestContext;
let site: TestSite;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  t = await makeTestApp();
  site = await aSite(t.db, t.clock);
  const dist = path.join(t.dir, 'dist');
  mkdirSync(path.join(dist, 'survey'), { recursive: true });
  writeFileSync(path.join(dist, 'survey', 'index.html'), '<!doctype html><html><head></head><body></body></html>');
  app = createApp({ db: t.db, config: t.config, clock: t.clock, logger: silentLogger, ui: { survey: loadBuiltUi('survey', '/s', dist) } });
});
afterEach(async () => t.cleanup());

describe("the survey preview in the admin's phone frame", () => {
  it('is the survey page without a survey, the only page another page (of this origin only) may frame', async () => {
    const preview = await app.request('/s/_preview');
    expect(preview.status).toBe(200);
    expect(await preview.text()).not.toContain('survey-data');
    expect(preview.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    expect(preview.headers.get('x-frame-options')).toBe('SAMEORIGIN');

    for (const other of [`/s/${site.surveyCode}`, '/api/admin/instruments', '/admin/', '/s/_preview/x']) {
      const res = await app.request(other);
      expect([other, res.headers.get('content-security-policy')]).toEqual([other, expect.stringContaining("frame-ancestors 'none'")]);
    }
  });
});
