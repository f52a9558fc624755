import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../../core/deps.js';
import { sessionRoutes } from './session.js';
import { dashboardApiRoutes } from './api.js';
import { dashboardPageRoutes } from './pages.js';
import { createAuthLimiter } from '../../auth-limiter.js';

/** The project admin's dashboard: its page at `/dashboard`, sign-in, and its read models. */
export function dashboardRoutes(app: FastifyInstance, deps: Deps) {
  // One budget of failed attempts per client address for sign-in and the dashboard's read models.
  const limiter = createAuthLimiter();
  sessionRoutes(app, deps, limiter);
  dashboardPageRoutes(app, deps);
  // Its own scope: the auth hook must not cover sign-in or the page.
  app.register(async (scope) => dashboardApiRoutes(scope, deps, limiter));
}
