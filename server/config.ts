import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { ROLES, type Role } from '../schema/admin-model.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from './private-files.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Environment variables, each with its default. Names are the documented ones (README, config table). */
const EnvSchema = z.object({
  PORT: intIn(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres://')
    .optional(),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUST_PROXY: bool.default(false),
  SERVER_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  BODY_LIMIT_BYTES: intIn(1024, 10 * 1024 * 1024).default(64 * 1024),
  COMMENT_MAX_CHARS: intIn(100, 10000).default(2000),
  LOW_N_MIN: intIn(1, 100000).default(30),
  LOW_PRECISION_HALF_WIDTH: z.coerce.number().positive().max(100).default(10),
  DEVICE_LIMIT_PER_HOUR: intIn(1, 1000).default(3),
  ADDRESS_LIMIT_PER_HOUR: intIn(1, 100000).default(30),
  KIOSK_MIN_GAP_SECONDS: intIn(0, 3600).default(20),
  SESSION_IDLE_MINUTES: intIn(1, 24 * 60).default(30),
  SESSION_MAX_HOURS: intIn(1, 24 * 30).default(12),
  PASSWORD_SCRYPT_LOG_N: intIn(10, 20).default(17),
  TOTP_REQUIRED_ROLES: z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (v === 'none') return [];
      const roles = v.split(',').map((r) => r.trim());
      const unknown = roles.find((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown !== undefined) ctx.addIssue({ code: 'custom', message: `unknown role ${JSON.stringify(unknown)}; use ${ROLES.join(', ')} or none` });
      return roles as Role[];
    })
    .default(['system_admin', 'provincial_officer']),
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_KEEP: intIn(1, 3650).default(14),
  LOG_REQUESTS: bool.default(true),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().trim().min(3).max(200).default('SIPAS <no-reply@localhost>'),
  WEBHOOK_RETRY_BASE_MS: intIn(100, 3_600_000).default(10_000),
  WEBHOOK_RETRY_MAX_MS: intIn(100, 24 * 3_600_000).default(3_600_000),
  WEBHOOK_MAX_ATTEMPTS: intIn(1, 1000).default(20),
  WEBHOOK_TIMEOUT_MS: intIn(100, 60_000).default(10_000),
  SCORE_FACTOR_ROLLUP: z.enum(['mean_of_criteria', 'answer_weighted', 'factor_question']).default('mean_of_criteria'),
  SCORE_PART_ROLLUP: z.enum(['mean_of_factors', 'item_count_weighted', 'answer_weighted']).default('mean_of_factors'),
  SCORE_UNIT_ROLLUP: z.enum(['pooled', 'mean_of_children']).default('pooled'),
  SCORE_DECIMALS: intIn(0, 6).default(2),
  SCORE_ROUNDING: z.enum(['half_away_from_zero', 'half_even']).default('half_away_from_zero'),
  SCORE_DISPLAY: z.enum(['percent', 'points10']).default('percent'),
  TARGET_INDEX: z.coerce.number().min(0).max(100).default(80),
  CALLBACK_RETENTION_DAYS: intIn(1, 3650).default(30),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  databaseUrl: string | undefined;
  publicBaseUrl: string;
  trustProxy: boolean;
  serverSecret: string;
  bodyLimitBytes: number;
  commentMaxChars: number;
  deviceLimitPerHour: number;
  /** Answers one network address may give one survey point per hour; see README (shared Wi-Fi, carrier NAT). */
  addressLimitPerHour: number;
  kioskMinGapSeconds: number;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** scrypt cost of new password hashes (N = 2^logN); 17 in production, lower only in tests. */
  passwordHashLogN: number;
  /** Roles whose holders must sign in with a TOTP second factor (enrolled right after sign-in). */
  totpRequiredRoles: readonly Role[];
  backupDir: string;
  backupKeep: number;
  logRequests: boolean;
  /** Bearer token for GET /metrics; without one the route does not exist. */
  metricsToken: string | undefined;
  /** Outgoing mail server (smtp://user:pass@host:port); no mail is sent without one. Holds a password: never logged. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Webhook delivery: backoff base·2^(n−1) up to max, attempts before giving up, per-attempt timeout. */
  webhookDelivery: { retryBaseMs: number; retryMaxMs: number; maxAttempts: number; timeoutMs: number };
  scoring: ScoringSettings;
  /** Days a citizen's call-back contact is kept after its case closes (NĐ 13/2023: no longer than needed). */
  callbackRetentionDays: number;
}

/** How scores are rolled up, rounded and shown (shared/sipas §4, §5); each choice is a setting. */
export interface ScoringSettings {
  factorRollup: Env['SCORE_FACTOR_ROLLUP'];
  partRollup: Env['SCORE_PART_ROLLUP'];
  unitRollup: Env['SCORE_UNIT_ROLLUP'];
  decimals: number;
  rounding: Env['SCORE_ROUNDING'];
  display: Env['SCORE_DISPLAY'];
  lowNMin: number;
  lowPrecisionHalfWidth: number;
  /** Default target line (percent); a province may override it in its settings. */
  targetIndex: number;
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function parseEnv(env: Record<string, string | undefined>): Env {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    throw new ConfigError(`Invalid ${name}=${JSON.stringify(present[name] ?? '')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads SERVER_SECRET, or the one kept in DATA_DIR, or makes and keeps a new one (first start). */
function loadOrCreateSecret(dataDir: string, given: string | undefined): string {
  if (given) return given;
  const file = path.join(dataDir, 'server-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
    throw new ConfigError(`Invalid ${file}: the kept server secret is shorter than 32 characters`);
  }
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  return secret;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(env);
  const dataDir = path.resolve(e.DATA_DIR);
  makePrivateDir(dataDir);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile: path.join(dataDir, 'sipas.sqlite'),
    databaseUrl: e.DATABASE_URL,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    serverSecret: loadOrCreateSecret(dataDir, e.SERVER_SECRET),
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    commentMaxChars: e.COMMENT_MAX_CHARS,
    deviceLimitPerHour: e.DEVICE_LIMIT_PER_HOUR,
    addressLimitPerHour: e.ADDRESS_LIMIT_PER_HOUR,
    kioskMinGapSeconds: e.KIOSK_MIN_GAP_SECONDS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    passwordHashLogN: e.PASSWORD_SCRYPT_LOG_N,
    totpRequiredRoles: e.TOTP_REQUIRED_ROLES,
    backupDir: path.resolve(e.BACKUP_DIR ?? path.join(dataDir, 'backups')),
    backupKeep: e.BACKUP_KEEP,
    logRequests: e.LOG_REQUESTS,
    metricsToken: e.METRICS_TOKEN,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    webhookDelivery: {
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    },
    scoring: {
      factorRollup: e.SCORE_FACTOR_ROLLUP,
      partRollup: e.SCORE_PART_ROLLUP,
      unitRollup: e.SCORE_UNIT_ROLLUP,
      decimals: e.SCORE_DECIMALS,
      rounding: e.SCORE_ROUNDING,
      display: e.SCORE_DISPLAY,
      lowNMin: e.LOW_N_MIN,
      lowPrecisionHalfWidth: e.LOW_PRECISION_HALF_WIDTH,
      targetIndex: e.TARGET_INDEX,
    },
    callbackRetentionDays: e.CALLBACK_RETENTION_DAYS,
  };
}
