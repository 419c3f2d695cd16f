import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseEnv } from './config.js';
import { tempDir } from './testing/harness.js';

describe('config', () => {
  it('has defaults for every setting', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('./data');
    expect(env.TRUST_PROXY).toBe(false);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid PORT="abc": /],
    [{ PORT: '70000' }, /^Invalid PORT=/],
    [{ PUBLIC_BASE_URL: 'ftp://x' }, /^Invalid PUBLIC_BASE_URL=/],
    [{ TRUST_PROXY: 'maybe' }, /^Invalid TRUST_PROXY=/],
    [{ SERVER_SECRET: 'short' }, /^Invalid SERVER_SECRET=.*at least 32/],
    [{ SCORE_FACTOR_ROLLUP: 'median' }, /^Invalid SCORE_FACTOR_ROLLUP=/],
  ])('rejects %j with one line naming the variable', (env, message) => {
    expect(() => parseEnv(env)).toThrow(ConfigError);
    try {
      parseEnv(env);
    } catch (err) {
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('generates a server secret on first start and keeps it', () => {
    const dir = tempDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.serverSecret.length).toBeGreaterThanOrEqual(32);
    expect(existsSync(path.join(dir, 'server-secret'))).toBe(true);
    expect(loadConfig({ DATA_DIR: dir }).serverSecret).toBe(first.serverSecret);
    expect(readFileSync(path.join(dir, 'server-secret'), 'utf8').trim()).toBe(first.serverSecret);
  });

  it('derives PUBLIC_BASE_URL from the port when not given and strips a trailing slash', () => {
    const dir = tempDir();
    expect(loadConfig({ DATA_DIR: dir, PORT: '4123' }).publicBaseUrl).toBe('http://localhost:4123');
    expect(loadConfig({ DATA_DIR: dir, PUBLIC_BASE_URL: 'https://ks.example.vn/' }).publicBaseUrl).toBe(
      'https://ks.example.vn',
    );
  });
});
