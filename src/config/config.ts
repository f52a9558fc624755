import { parseArgs } from 'node:util';
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/** Everything the server reads from flags and the environment, parsed once and frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  /** False when publicUrl was derived from host/port (then it follows the real listening port). */
  readonly publicUrlExplicit: boolean;
  readonly apiKey: string | undefined;
  readonly encryptionKeys: string | undefined;
  readonly allowPrivateNetwork: boolean;
  /**
   * An HTTP proxy every outbound call (providers, webhooks) tunnels through with CONNECT, for a
   * network whose only way out is an egress proxy. Unset: calls go out directly.
   */
  readonly outboundProxy: string | undefined;
  readonly connectorsDir: string | undefined;
  readonly logLevel: string;
  /** Largest accepted request body, bytes. */
  readonly bodyLimit: number;
  /** `api` serves HTTP only, `worker` runs the workers only (HTTP: /health and /metrics), `all` both. */
  readonly role: 'api' | 'worker' | 'all';
  /** Bearer token that /metrics requires; unset: loopback clients only. */
  readonly metricsToken: string | undefined;
  /** Lifetime of a proxy, action or MCP call on the provider (retries included), ms. */
  readonly providerCallLifetimeMs: number;
  /** Record proxy, action and MCP calls in request logs (on by default). */
  readonly requestLogs: boolean;
  readonly requestLogRetentionDays: number;
  /** Store request and response bodies in request logs (off: headers and metadata only). */
  readonly requestLogBodies: boolean;
  /**
   * Which proxies in front of the server are believed about the client's address
   * (X-Forwarded-For): a hop count, or addresses and CIDRs. False: none, the socket's address counts.
   */
  readonly trustProxy: number | string[] | false;
  /** Request line and headers must arrive within this, ms. */
  readonly headersTimeoutMs: number;
  /** A JSON body must arrive within this of the request's start, ms (raw-proxy uploads excepted). */
  readonly bodyTimeoutMs: number;
  /** Most connections one process keeps open at once. */
  readonly maxConnections: number;
  /** Origins that may frame the embedded Hub, as a CSP source list (`*`: any). */
  readonly hubFrameAncestors: string;
}

const flagOptions = {
  port: { type: 'string' },
  host: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'public-url': { type: 'string' },
  'log-level': { type: 'string' },
  role: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const schema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  dataDir: z.string().min(1),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  publicUrl: z.url().optional(),
  apiKey: z.string().min(16, 'SWITCHBOARD_API_KEY must be at least 16 characters').optional(),
  encryptionKeys: z.string().min(1).optional(),
  allowPrivateNetwork: z.boolean(),
  outboundProxy: z
    .url({
      protocol: /^https?$/,
      message:
        'SWITCHBOARD_OUTBOUND_PROXY must be an http:// or https:// URL, such as http://proxy.internal:3128',
    })
    .optional(),
  connectorsDir: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  bodyLimit: z.coerce.number().int().positive(),
  role: z.enum(['api', 'worker', 'all'], { message: 'role must be api, worker or all' }),
  metricsToken: z.string().min(16, 'SWITCHBOARD_METRICS_TOKEN must be at least 16 characters').optional(),
  providerCallLifetimeMs: z.coerce.number().int().min(1000).max(600_000),
  requestLogs: z
    .enum(['on', 'off', '1', '0', 'true', 'false'], { message: 'SWITCHBOARD_REQUEST_LOGS must be on or off' })
    .transform((v) => v === 'on' || v === '1' || v === 'true'),
  requestLogRetentionDays: z.coerce.number().int().min(1).max(3650),
  requestLogBodies: z.boolean(),
  headersTimeoutMs: z.coerce.number().int().min(1000).max(300_000),
  bodyTimeoutMs: z.coerce.number().int().min(1000).max(300_000),
  maxConnections: z.coerce.number().int().min(1).max(1_000_000),
  hubFrameAncestors: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .refine(
      (list) =>
        list.length > 0 &&
        (list.join() === '*' || list.every((o) => /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o))),
      {
        message:
          'SWITCHBOARD_HUB_FRAME_ANCESTORS must be * or origins such as https://app.example.com (space- or comma-separated)',
      },
    )
    .transform((list) => list.join(' ')),
  trustProxy: z.string().transform((v, ctx): number | string[] | false => {
    const text = v.trim();
    if (text === '' || text === '0' || text === 'false' || text === 'off') return false;
    if (/^\d+$/.test(text)) return Number(text);
    const items = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = items.find((i) => !isProxyAddress(i));
    if (bad !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `SWITCHBOARD_TRUST_PROXY: "${bad}" is not a hop count, an IP address, a CIDR or one of loopback, linklocal, uniquelocal`,
      });
      return z.NEVER;
    }
    return items;
  }),
});

/** An address, a CIDR (`10.0.0.0/8`, `fd00::/8`) or a named range that proxy-addr knows. */
function isProxyAddress(item: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true;
  const [ip, prefix, extra] = item.split('/');
  const family = net.isIP(ip ?? '');
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

export class ConfigError extends Error {}

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

/** Parses `switchboard start` flags (argv after the command) and the environment. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config & { help: boolean } {
  let values: ReturnType<typeof parseArgs<{ options: typeof flagOptions }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: flagOptions, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const raw = {
    port: values.port ?? nonEmpty(env.PORT) ?? '3000',
    host: values.host ?? nonEmpty(env.HOST) ?? '127.0.0.1',
    dataDir: values['data-dir'] ?? nonEmpty(env.SWITCHBOARD_DATA_DIR) ?? './.switchboard',
    databaseUrl: values['database-url'] ?? nonEmpty(env.DATABASE_URL),
    publicUrl: values['public-url'] ?? nonEmpty(env.SWITCHBOARD_PUBLIC_URL),
    apiKey: nonEmpty(env.SWITCHBOARD_API_KEY),
    encryptionKeys: nonEmpty(env.SWITCHBOARD_ENCRYPTION_KEYS),
    allowPrivateNetwork:
      env.SWITCHBOARD_ALLOW_PRIVATE_NETWORK === '1' || env.SWITCHBOARD_ALLOW_PRIVATE_NETWORK === 'true',
    outboundProxy: nonEmpty(env.SWITCHBOARD_OUTBOUND_PROXY),
    connectorsDir: nonEmpty(env.SWITCHBOARD_CONNECTORS_DIR),
    logLevel: values['log-level'] ?? nonEmpty(env.LOG_LEVEL) ?? 'info',
    bodyLimit: nonEmpty(env.SWITCHBOARD_BODY_LIMIT) ?? String(1024 * 1024),
    role: values.role ?? nonEmpty(env.SWITCHBOARD_ROLE) ?? 'all',
    metricsToken: nonEmpty(env.SWITCHBOARD_METRICS_TOKEN),
    providerCallLifetimeMs: nonEmpty(env.SWITCHBOARD_PROXY_LIFETIME_MS) ?? '60000',
    requestLogs: nonEmpty(env.SWITCHBOARD_REQUEST_LOGS)?.toLowerCase() ?? 'on',
    requestLogRetentionDays: nonEmpty(env.SWITCHBOARD_REQUEST_LOG_RETENTION_DAYS) ?? '30',
    requestLogBodies:
      env.SWITCHBOARD_REQUEST_LOG_BODIES === '1' || env.SWITCHBOARD_REQUEST_LOG_BODIES === 'true',
    trustProxy: env.SWITCHBOARD_TRUST_PROXY ?? '',
    headersTimeoutMs: nonEmpty(env.SWITCHBOARD_HEADERS_TIMEOUT_MS) ?? '20000',
    bodyTimeoutMs: nonEmpty(env.SWITCHBOARD_BODY_TIMEOUT_MS) ?? '30000',
    maxConnections: nonEmpty(env.SWITCHBOARD_MAX_CONNECTIONS) ?? '10000',
    hubFrameAncestors: nonEmpty(env.SWITCHBOARD_HUB_FRAME_ANCESTORS) ?? '*',
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      `invalid configuration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const c = parsed.data;
  const publicUrl = (
    c.publicUrl ?? `http://${c.host === '0.0.0.0' ? 'localhost' : c.host}:${c.port}`
  ).replace(/\/+$/, '');
  return Object.freeze({
    ...c,
    dataDir: path.resolve(c.dataDir),
    databaseUrl: c.databaseUrl,
    publicUrl,
    publicUrlExplicit: c.publicUrl !== undefined,
    apiKey: c.apiKey,
    encryptionKeys: c.encryptionKeys,
    metricsToken: c.metricsToken,
    outboundProxy: c.outboundProxy,
    connectorsDir: c.connectorsDir ? path.resolve(c.connectorsDir) : undefined,
    help: values.help ?? false,
  });
}
