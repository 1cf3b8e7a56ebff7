// process.env -> one validated, typed, frozen AppConfig. Nothing else reads process.env.
import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { questionKeysOf, type TextKeys } from './config-question-keys.js';

export { parseQuestionKeys, type TextKey, type TextKeys } from './config-question-keys.js';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 65535')
    .max(65535, 'must be between 1 and 65535')
    .default(3000),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  PUBLIC_URL: z.string().url('must be a full URL such as https://wijkteam.example.nl').optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('data'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Wijkteam Arnhem <noreply@wijkteam.example.nl>'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  // The key of the resident's keyed e-mail and phone hashes (core/pseudonym.ts).
  PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z
    .enum(logLevels, { errorMap: () => ({ message: `must be one of ${logLevels.join(', ')}` }) })
    .default('info'),
  DEFAULT_LOCALE: z.enum(['nl', 'en'], { errorMap: () => ({ message: 'must be nl or en' }) }).default('nl'),
  MUNICIPALITY_NAME: z.string().min(1).default('Gemeente Arnhem'),
  MUNICIPALITY_PHONE: z.string().min(1).default('14 026'),
  // The Functionaris Gegevensbescherming (data protection officer), named in the privacy statement.
  PRIVACY_OFFICER_NAME: z.string().min(1).optional(),
  PRIVACY_OFFICER_EMAIL: z.string().email('must be an e-mail address').optional(),
  PRIVACY_OFFICER_PHONE: z.string().min(1).optional(),
  // How the municipality counts waiting time (the figures' default; the page can switch).
  WAITING_TIME_FROM: z
    .enum(['signup', 'contact'], { errorMap: () => ({ message: 'must be signup or contact' }) })
    .default('signup'),
  WAITING_TIME_DAYS: z
    .enum(['calendar', 'working'], { errorMap: () => ({ message: 'must be calendar or working' }) })
    .default('calendar'),
  // At least 2: a run of the periodic jobs keeps one connection for its lock while it works.
  DB_POOL_SIZE: z.coerce.number().int().min(2, 'must be at least 2').max(100).default(10),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).default(2000),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  TRUST_PROXY: z.string().optional(),
  CLOCK_START: z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/,
      'must be a date and time with a zone, such as 2026-12-07T09:00:00+01:00',
    )
    .optional(),
  PUBLIC_POST_LIMIT: z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int()
    .min(1, 'must be at least 1')
    .default(30),
  WORKERS: z.coerce
    .number({ invalid_type_error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 32')
    .max(32, 'must be between 1 and 32')
    .default(1),
  // The keys of the questions' encryption at rest: id:base64-of-32-bytes, comma-separated, the first writes.
  QUESTION_KEYS: z.string().optional(),
  METRICS_TOKEN: z
    .string()
    .min(32, 'must be at least 32 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  publicUrl: string;
  database: { kind: 'server'; url: string; poolSize: number } | { kind: 'embedded'; dataDir: string | null };
  dataDir: string | null;
  smtpUrl: string | null;
  mailFrom: string;
  sessionSecret: string;
  /** The key of the keyed hashes that outlive anonymisation; null: derived from the session secret. */
  pseudonymKey: string | null;
  logLevel: (typeof logLevels)[number];
  defaultLocale: 'nl' | 'en';
  municipality: { name: string; phone: string };
  /**
   * The data protection officer (FG) the privacy statement names. Outside production a demo
   * officer; in production only what is configured (the phone falls back to the municipality's).
   */
  privacyOfficer: { name: string | null; email: string | null; phone: string };
  /** The municipality's definition of waiting time: the figures page and exports start with it. */
  waitingTime: { from: 'signup' | 'contact'; days: 'calendar' | 'working' };
  outboxIntervalMs: number;
  seedDemo: boolean;
  /**
   * Form posts per minute per IP address on public pages, counted in each process: the
   * configured PUBLIC_POST_LIMIT shared out over the WORKERS (rounded up), so together they
   * allow about the configured number.
   */
  publicPostLimit: number;
  /** Portal processes on one port (node's cluster module); more than 1 only with DATABASE_URL. */
  workers: number;
  /**
   * Which proxies may name the client's address (X-Forwarded-For): none (false), the nearest
   * N hops, or these addresses and ranges. Rate limits key on the address this gives.
   */
  trustProxy: false | number | string[];
  /**
   * Where the portal's clock starts (it ticks on from there), for demonstrations and for tests
   * that run the portal as its own process. Null: the real time. Refused in production.
   */
  clockStart: Date | null;
  /** The bearer token a monitoring server sends to read /metrics. Null: there is no /metrics. */
  metricsToken: string | null;
  /**
   * The keys the residents' questions are encrypted with (core/secret-text.ts): the first writes,
   * all read. QUESTION_KEYS, else (embedded or development) the key file in DATA_DIR.
   */
  questionKeys: TextKeys;
}

export class ConfigError extends Error {}

const namedRanges = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrRange(v: string): boolean {
  if (namedRanges.includes(v)) return true;
  const [address, bits, extra] = v.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

/** TRUST_PROXY: unset (trust no proxy), a hop count, or addresses and ranges, comma-separated. */
export function parseTrustProxy(v: string | undefined): AppConfig['trustProxy'] {
  if (v === undefined) return false;
  if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 10) return Number(v);
  const list = v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (list.length === 0 || !list.every(isAddressOrRange)) {
    throw new ConfigError(
      'Invalid configuration: TRUST_PROXY must be the number of proxies in front of the portal (1-10), or their addresses or ranges separated by commas (such as 127.0.0.1 or 10.0.0.0/8 or loopback)',
    );
  }
  return list;
}

/** Reads the secret from DATA_DIR, or makes one there, so sessions survive a restart. */
function sessionSecretFromDataDir(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** The FG's contact: as configured; outside production a demo officer fills what is missing. */
function privacyOfficerOf(e: z.infer<typeof envSchema>): AppConfig['privacyOfficer'] {
  const demo = e.NODE_ENV !== 'production';
  return {
    name: e.PRIVACY_OFFICER_NAME ?? (demo ? 'Marieke de Boer' : null),
    email: e.PRIVACY_OFFICER_EMAIL ?? (demo ? 'fg@gemeente.example.nl' : null),
    phone: e.PRIVACY_OFFICER_PHONE ?? e.MUNICIPALITY_PHONE,
  };
}

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  // An empty variable counts as unset (as docker-compose and shells often leave them).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let sessionSecret = e.SESSION_SECRET;
  if (!sessionSecret) {
    if (e.DATABASE_URL && e.NODE_ENV === 'production') {
      throw new ConfigError('Invalid configuration: SESSION_SECRET is required when DATABASE_URL is set in production');
    }
    sessionSecret = e.NODE_ENV === 'test' ? 'test-secret-'.padEnd(64, 'x') : sessionSecretFromDataDir(dataDir);
  }
  if (e.WORKERS > 1 && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: WORKERS above 1 needs DATABASE_URL (the embedded database can be opened by one process only)',
    );
  }
  if (e.CLOCK_START && e.NODE_ENV === 'production') {
    throw new ConfigError('Invalid configuration: CLOCK_START cannot be used in production');
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const config: AppConfig = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    database: e.DATABASE_URL
      ? { kind: 'server', url: e.DATABASE_URL, poolSize: e.DB_POOL_SIZE }
      : { kind: 'embedded', dataDir: path.join(dataDir, 'pg') },
    dataDir,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    sessionSecret,
    pseudonymKey: e.PSEUDONYM_KEY ?? null,
    logLevel: e.LOG_LEVEL,
    defaultLocale: e.DEFAULT_LOCALE,
    municipality: { name: e.MUNICIPALITY_NAME, phone: e.MUNICIPALITY_PHONE },
    privacyOfficer: privacyOfficerOf(e),
    waitingTime: { from: e.WAITING_TIME_FROM, days: e.WAITING_TIME_DAYS },
    outboxIntervalMs: e.OUTBOX_INTERVAL_MS,
    seedDemo: e.SEED_DEMO === 'auto',
    publicPostLimit: Math.ceil(e.PUBLIC_POST_LIMIT / e.WORKERS),
    workers: e.WORKERS,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    clockStart: e.CLOCK_START ? new Date(e.CLOCK_START) : null,
    metricsToken: e.METRICS_TOKEN ?? null,
    questionKeys: questionKeysOf(e, dataDir, (why) => new ConfigError(`Invalid configuration: ${why}`)),
    ...overrides,
  };
  return Object.freeze(config);
}
