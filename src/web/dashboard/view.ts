import type { Session } from './api.js';
import type { Route } from './router.js';

/** What a page renders into, and whether it is still the page on screen. */
export interface View {
  main: HTMLElement;
  route: Route;
  session: Session;
  /** False once the admin navigated away: late async work must not touch the screen. */
  alive(): boolean;
}
