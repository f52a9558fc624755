import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import type { Deps } from '../../../../core/deps.js';
import type { RequestLogWriter } from '../../../../core/logs/request-logs/writer.js';
import { hotCache } from '../../../../core/provider-calls/hot-cache.js';
import { ProviderSession } from '../../../../core/provider-calls/session.js';
import { runAction } from '../../../../core/actions/actions.js';
import { createMcpServer, type RunTool, type ToolMode } from '../../../../core/actions/mcp.js';
import { actionIndexOf } from '../../../../core/actions/search.js';
import { invalidInput } from '../../../../core/errors.js';
import { toAppError } from '../../../errors.js';
import { projectOf } from '../../../auth.js';
import { accountIdOf, recorderFor } from './context.js';

const SERVER_VERSION = '0.1.0';
/** Request headers the MCP transport reads; nothing else (our API key among them) is handed to it. */
const TRANSPORT_HEADERS = [
  'accept',
  'content-type',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
];

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The StackOne SDK's `mcpPost` can only send `"id": {}` and `"params": {}` (both typed as empty
 * objects): an object id becomes a fresh string id, and `initialize` gets default params, so
 * its messages are treated as the requests they mean to be.
 */
function tolerant(message: unknown): unknown {
  if (Array.isArray(message)) return message.map(tolerant);
  if (!isObject(message)) return message;
  const out = { ...message };
  if (out.id !== null && typeof out.id === 'object') out.id = `sb-${randomUUID()}`;
  if (out.method === 'initialize' && out.id !== undefined) {
    out.params = {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: 'unknown', version: '0' },
      ...(isObject(out.params) ? out.params : {}),
    };
  }
  return out;
}

const one = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/**
 * The account of an MCP call: the `x-account-id` header, else the `x-account-id` or `account_id`
 * query parameter (for clients that cannot set headers). The header wins when both are given,
 * as StackOne documents it.
 */
function mcpAccountId(req: FastifyRequest): string {
  const q = (req.query ?? {}) as Record<string, unknown>;
  return accountIdOf(req, one(q['x-account-id']) ?? one(q.account_id));
}

/** `?tool-mode=`: `individual` (the default) or `search_execute`; anything else is a 400. */
function toolModeOf(req: FastifyRequest): ToolMode {
  const v = one(((req.query ?? {}) as Record<string, unknown>)['tool-mode']);
  if (v === undefined || v === '' || v === 'individual') return 'individual';
  if (v === 'search_execute') return 'search_execute';
  throw invalidInput('tool-mode: must be individual or search_execute', { field: 'tool-mode' });
}

/** A client that cannot read event streams (the StackOne SDK sends `accept: application/json` only). */
const jsonOnly = (req: FastifyRequest) => !String(req.headers.accept ?? '').includes('text/event-stream');

/** MCP errors carry the StackOne error keys too, so both MCP clients and the SDK read them. */
function sendMcpError(reply: FastifyReply, status: number, message: string, now: Date) {
  return reply
    .status(status)
    .type('application/json')
    .send({
      jsonrpc: '2.0',
      error: { code: -32000, message },
      id: null,
      statusCode: status,
      message,
      timestamp: now.toISOString(),
    });
}

/**
 * `/mcp`: MCP over Streamable HTTP, stateless: every POST gets its own server for the account in
 * `x-account-id`, so any process can answer any request and no session lives in memory.
 * Responses are JSON (no event streams), which both MCP clients and the StackOne SDK read.
 */
export function mcpRoutes(app: FastifyInstance, deps: Deps, writer: RequestLogWriter) {
  app.post('/mcp', async (req, reply) => {
    const scope = projectOf(req);
    const mode = toolModeOf(req);
    const target = await hotCache(deps).accountTarget(scope, mcpAccountId(req));
    const run: RunTool = async (action, args) => {
      const rec = recorderFor(deps, writer, req, 'mcp', args);
      rec.accountId = target.account.id;
      rec.provider = target.connector.key;
      rec.action = action.id;
      const session = new ProviderSession(deps, scope, target);
      rec.session = session;
      try {
        const result = await runAction(deps, session, action, args);
        rec.finish(200, { body: result });
        return result;
      } catch (err) {
        const appErr = toAppError(err);
        rec.finish(appErr.status, { error: appErr });
        throw appErr;
      }
    };
    const legacy = jsonOnly(req);
    const headers = new Headers();
    for (const name of TRANSPORT_HEADERS) {
      const v = req.headers[name];
      if (typeof v === 'string') headers.set(name, v);
    }
    if (legacy) headers.set('accept', 'application/json, text/event-stream');
    const server = createMcpServer(target, run, SERVER_VERSION, {
      mode,
      index: actionIndexOf(deps.connectors),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
    await server.connect(transport);
    try {
      const request = new Request(`http://switchboard.invalid${req.url}`, { method: 'POST', headers });
      const res = await transport.handleRequest(
        request,
        req.body === undefined ? {} : { parsedBody: tolerant(req.body) },
      );
      const text = await res.text();
      if (res.status >= 400) {
        let message = `MCP request refused (${res.status})`;
        try {
          const e = JSON.parse(text) as { error?: { message?: unknown } };
          if (typeof e.error?.message === 'string') message = e.error.message;
        } catch {
          // keep the generic message
        }
        return sendMcpError(reply, res.status, message, deps.clock());
      }
      // Notifications get 202 by the spec; the SDK accepts nothing but 200.
      reply.status(legacy && (res.status === 202 || res.status === 204) ? 200 : res.status);
      const type = res.headers.get('content-type');
      if (type) reply.type(type);
      const session = res.headers.get('mcp-session-id');
      if (session) reply.header('mcp-session-id', session);
      return reply.send(text);
    } finally {
      await server.close();
    }
  });

  // No server-initiated stream: a stateless server has nothing to push. MCP clients expect 405
  // for that; the StackOne SDK's mcpGet accepts only 200 with a body that ends, so its traffic
  // (told apart by its user agent, as the contract suggests) gets an empty, finished stream.
  app.get('/mcp', async (req, reply) => {
    mcpAccountId(req);
    if (String(req.headers['user-agent'] ?? '').includes('speakeasy-sdk/')) {
      return reply.status(200).type('text/event-stream').send('');
    }
    reply.header('allow', 'POST, DELETE');
    return sendMcpError(
      reply,
      405,
      'This MCP server does not offer an event stream: send requests with POST',
      deps.clock(),
    );
  });

  // Sessions are not kept, so there is nothing to end: closing one always succeeds.
  app.delete('/mcp', async (req, reply) => {
    mcpAccountId(req);
    return reply.status(200).type('application/json').send({});
  });
}
