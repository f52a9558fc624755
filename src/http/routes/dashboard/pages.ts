import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { AppError } from '../../../core/errors.js';
import { WEB_DIST } from '../web.js';

/**
 * The dashboard's one HTML page, for `/dashboard` and every client-side route under it. It talks
 * only to this server, is never framed (clickjacking), and runs no inline script or style.
 */
async function sendPage(reply: FastifyReply) {
  const body = await fs.readFile(path.join(WEB_DIST, 'dashboard/index.html')).catch(() => null);
  if (!body) throw new AppError('ASSET_NOT_FOUND', 'Dashboard page (run "npm run build:web") not found');
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    )
    .send(body);
}

export function dashboardPageRoutes(app: FastifyInstance, _deps: Deps) {
  app.get('/dashboard', async (_req, reply) => sendPage(reply));
  app.get('/dashboard/*', async (_req, reply) => sendPage(reply));
  // Unknown API paths stay JSON 404s instead of falling through to the page.
  app.all('/dashboard/api/*', async (req) => {
    throw new AppError('ROUTE_NOT_FOUND', `Route ${req.method} ${req.url.split('?')[0]} not found`);
  });
}
