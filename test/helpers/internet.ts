// The internet stand-in lives in the connector kit (the `connectors test` command uses it too).
import type { Internet } from '../../src/kit/internet.js';

export { startInternet, type Internet, type InternetOptions, type Route } from '../../src/kit/internet.js';

let current: Internet | undefined;

/**
 * The internet a test file's shipped world started, if any. The helpers' browsers use it: the
 * OAuth popup's cookie jar sends through its pool, Chromium gets its host mapping and
 * certificate, and requests a browser test steps through are fetched through it.
 */
export const currentInternet = (): Internet | undefined => current;

/** Set by the shipped world when it starts (and cleared when it stops). */
export function setCurrentInternet(internet: Internet | undefined) {
  current = internet;
}
