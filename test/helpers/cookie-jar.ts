import { cookieJar } from '../../src/kit/cookie-jar.js';
import { currentInternet } from './internet.js';

export { cookieJar, jsonPost } from '../../src/kit/cookie-jar.js';

/**
 * The browser the test helpers' OAuth popups run in. In a shipped world it goes through that
 * world's internet, so the providers' real host names reach the fakes (loopback still reaches
 * our server).
 */
export const popupBrowser = cookieJar(() => currentInternet()?.http);
