import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilentOrString } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const call = (log: FastifyBaseLogger, level: Level, args: unknown[]) =>
  (log[level] as (...a: unknown[]) => void).apply(log, args);

/**
 * A request's `req.log`, made into a pino child only when something is logged through it.
 * Fastify makes one per request, and pino's `child()` serialises its bindings up front: on the
 * proxy's hot path that was a few microseconds per call for a logger most calls never use.
 */
class RequestLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}

  private get real(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings, this.opts);
    return this.made;
  }

  get level(): LevelWithSilentOrString {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.real.level = level;
  }

  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, opts);
  }

  fatal(...args: unknown[]) {
    call(this.real, 'fatal', args);
  }
  error(...args: unknown[]) {
    call(this.real, 'error', args);
  }
  warn(...args: unknown[]) {
    call(this.real, 'warn', args);
  }
  info(...args: unknown[]) {
    call(this.real, 'info', args);
  }
  debug(...args: unknown[]) {
    call(this.real, 'debug', args);
  }
  trace(...args: unknown[]) {
    call(this.real, 'trace', args);
  }
  silent(...args: unknown[]) {
    call(this.real, 'silent', args);
  }
}

/** Fastify's `childLoggerFactory`: per-request loggers made on first use. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  opts: ChildLoggerOptions,
): FastifyBaseLogger {
  return new RequestLogger(logger, bindings, opts) as unknown as FastifyBaseLogger;
}
