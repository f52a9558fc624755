// What the provider-call routes share: which account a call names, and its request-log recorder.
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../../../core/deps.js';
import { invalidInput } from '../../../../core/errors.js';
import { CallRecorder } from '../../../../core/logs/request-logs/recorder.js';
import type { LogService, RequestLogWriter } from '../../../../core/logs/request-logs/writer.js';
import { projectOf } from '../../../auth.js';

/** The linked account a call acts on: the `x-account-id` header (or, for RPC, `headers["x-account-id"]`). */
export function accountIdOf(req: FastifyRequest, fallback?: unknown): string {
  const given = req.headers['x-account-id'] ?? fallback;
  const id = Array.isArray(given) ? given[0] : given;
  if (typeof id !== 'string' || !id.trim())
    throw invalidInput('x-account-id header is required: the id of the linked account to act on', {
      field: 'x-account-id',
    });
  if (id.length > 255) throw invalidInput('x-account-id is too long', { field: 'x-account-id' });
  return id.trim();
}

/** A recorder for one call made through the platform API. */
export function recorderFor(
  deps: Deps,
  writer: RequestLogWriter,
  req: FastifyRequest,
  service: LogService,
  body?: unknown,
): CallRecorder {
  return new CallRecorder(deps, writer, {
    projectId: projectOf(req).projectId,
    requestId: req.id,
    service,
    sourceIp: req.ip ?? null,
    sourceType: service === 'mcp' ? 'mcp' : 'api',
    method: req.method,
    path: req.url,
    headers: req.headers,
    ...(body !== undefined ? { body } : {}),
  });
}
