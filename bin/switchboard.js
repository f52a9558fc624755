#!/usr/bin/env node
// Runs the compiled server in dist/server/, built by `npm install` (the `prepare` script) or
// `npm run build`. `npm run dev` runs the TypeScript sources instead, without a build.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/server/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('switchboard: the server is not built (no dist/server/): run `npm run build` first');
  process.exit(1);
}
await import(entry.href);
