// The internet stand-in lives in the connector kit (the `connectors test` command uses it too).
export { startInternet, type Internet, type Route } from '../../src/kit/internet.js';
