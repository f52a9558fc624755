import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { MAX_JSON_DEPTH } from './errors.js';

/**
 * How long, at most, each phase of a request may take before the server gives up on it. A slow
 * client (one byte every few seconds) holds a connection and a body buffer for as long as it is
 * let; these bound that. Raw-proxy uploads stream to the provider and are not held to the body
 * deadline, only to the whole-request one.
 */
export interface RequestLimits {
  /** Request line and headers (SWITCHBOARD_HEADERS_TIMEOUT_MS). */
  headersMs: number;
  /** A JSON body, from the start of the request to its last byte (SWITCHBOARD_BODY_TIMEOUT_MS). */
  bodyMs: number;
  /** Open connections (SWITCHBOARD_MAX_CONNECTIONS). */
  maxConnections: number;
}

const FIXED = {
  /** Any request, raw-proxy uploads included (Node's own default). */
  requestMs: 300_000,
  /** An idle keep-alive connection between requests. */
  keepAliveMs: 5_000,
  /** How often Node checks the two timeouts above on open connections. */
  checkIntervalMs: 1_000,
} as const;

/** Bodies of routes that anyone may call without a key are small by their own schemas. */
export const HUB_BODY_LIMIT = 512 * 1024;
export const SIGN_IN_BODY_LIMIT = 4 * 1024;

/**
 * The HTTP server behind Fastify, with its timeouts set at construction (Node only reads
 * `connectionsCheckingInterval` there) and a cap on open connections.
 */
export function serverFactory(limits: RequestLimits) {
  return (handler: http.RequestListener) => {
    const server = http.createServer(
      {
        headersTimeout: limits.headersMs,
        requestTimeout: Math.max(FIXED.requestMs, limits.bodyMs),
        keepAliveTimeout: FIXED.keepAliveMs,
        connectionsCheckingInterval: FIXED.checkIntervalMs,
      },
      handler,
    );
    server.maxConnections = limits.maxConnections;
    return server;
  };
}

/**
 * The nesting depth of a JSON text, counted in one pass over the raw string and given up past
 * `max` (returns max + 1): a million `[` costs the scan microseconds, while `JSON.parse` would
 * spend most of a second building the arrays first. Brackets inside strings do not count.
 */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/**
 * A JSON body must arrive within `bodyMs` of the request's start; a client that trickles it in
 * is cut off. Routes that stream their body (the raw proxy) opt out with
 * `config: { streamsBody: true }`.
 */
export function bodyDeadline(app: FastifyInstance, bodyMs: number) {
  app.addHook('onRequest', (req, _reply, done) => {
    const streams = (req.routeOptions.config as { streamsBody?: boolean } | undefined)?.streamsBody === true;
    if (streams || req.method === 'GET' || req.method === 'HEAD' || req.raw.complete) return done();
    const timer = setTimeout(() => {
      if (!req.raw.complete) req.raw.socket?.destroy();
    }, bodyMs);
    timer.unref();
    req.raw.once('end', () => clearTimeout(timer));
    req.raw.once('close', () => clearTimeout(timer));
    done();
  });
}
