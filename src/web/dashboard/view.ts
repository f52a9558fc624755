import type { Session } from './api.js';
import type { Route } from './router.js';

/** What a page renders into, and how long it is the page on screen. */
export interface View {
  main: HTMLElement;
  route: Route;
  session: Session;
  /** Aborts once the admin navigated away: its loads stop, and late async work must not touch the screen. */
  signal: AbortSignal;
}
