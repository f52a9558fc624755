import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../core/deps.js';
import { AppError } from '../../core/errors.js';
import { PACKAGE_ROOT } from '../../package-root.js';

export const WEB_DIST = path.join(PACKAGE_ROOT, 'dist/web');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

async function sendFile(reply: FastifyReply, file: string, cache: string) {
  const body = await fs.readFile(file).catch(() => null);
  if (!body) {
    throw new AppError('ASSET_NOT_FOUND', 'Web asset (run "npm run build:web") not found');
  }
  return reply
    .type(TYPES[path.extname(file)] ?? 'application/octet-stream')
    .header('cache-control', cache)
    .header('x-content-type-options', 'nosniff')
    .send(body);
}

const PAGE_HEADERS = {
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** The Hub (Auth Link) pages, the OAuth callback page and connect.js, built by vite into dist/web. */
export function webRoutes(app: FastifyInstance, deps: Deps) {
  const page = (file: string, frameable: boolean) => async (_req: unknown, reply: FastifyReply) => {
    reply.headers(PAGE_HEADERS);
    // The pages only ever talk to this server (connect-src 'self'), so a crafted `api_url` cannot
    // turn them into a form posting elsewhere. The Auth Link page is top-level only; the
    // embedded hub is framed by connect.js on the company's site (SWITCHBOARD_HUB_FRAME_ANCESTORS
    // names those sites; a token alone then cannot be framed anywhere else).
    reply.header(
      'content-security-policy',
      `default-src 'none'; script-src 'self'; style-src 'self'; img-src * data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ${frameable ? deps.settings.hubFrameAncestors : "'none'"}`,
    );
    if (!frameable) reply.header('x-frame-options', 'DENY');
    return sendFile(reply, path.join(WEB_DIST, file), 'no-store');
  };
  app.get('/embedded/integrations', page('hub/index.html', false));
  app.get('/embedded/hub', page('hub/index.html', true));
  app.get('/embedded/accounts/callback', page('callback/index.html', false));
  app.get('/stackone/connect.js', async (_req, reply) => {
    reply.header('access-control-allow-origin', '*');
    return sendFile(reply, path.join(WEB_DIST, 'connect.js'), 'public, max-age=300');
  });
  app.get<{ Params: { '*': string } }>('/web/*', async (req, reply) => {
    const rel = path.normalize(req.params['*']);
    const file = path.join(WEB_DIST, rel);
    if (!file.startsWith(WEB_DIST + path.sep) || rel.includes('\0'))
      throw new AppError('ASSET_NOT_FOUND', 'Web asset not found');
    const immutable = rel.startsWith(`assets${path.sep}`);
    return sendFile(reply, file, immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  });
}
