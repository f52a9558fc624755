// Compiles the server (src/ without its tests and without src/web, which Vite builds) to
// dist/server/, what `npm start` runs, and copies beside it the files it reads at run time from
// its own directory (the SQL migrations). The compile is incremental; outputs whose source is
// gone (a file moved or deleted) are removed, so dist/server/ always mirrors src/.
// Usage: node scripts/build-server.js   (npm run build:server)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const out = path.join(root, 'dist/server');
const buildInfo = path.join(out, '.tsbuildinfo');

/** Files under `dir`, relative to it. */
function walk(dir, rel = '') {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = path.join(rel, e.name);
    return e.isDirectory() ? walk(dir, r) : [r];
  });
}

// The same selection as tsconfig.build.json: everything in src/ but src/web/ and tests.
const sources = walk(src).filter((f) => !f.startsWith(`web${path.sep}`) && !f.endsWith('.test.ts'));
const code = sources.filter((f) => f.endsWith('.ts'));
const assets = sources.filter((f) => !f.endsWith('.ts'));

// An output deleted by hand is not re-emitted by an incremental compile: start over then.
if (code.some((f) => !fs.existsSync(path.join(out, f.replace(/\.ts$/, '.js')))))
  fs.rmSync(buildInfo, { force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(
    process.execPath,
    [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--incremental', '--tsBuildInfoFile', buildInfo],
    { stdio: 'inherit' },
  );
} catch (err) {
  process.exit(err.status ?? 1); // tsc has printed the errors
}

const expected = new Set([
  ...code.flatMap((f) => [f.replace(/\.ts$/, '.js'), f.replace(/\.ts$/, '.js.map')]),
  ...assets,
  path.relative(out, buildInfo),
]);
for (const f of walk(out)) if (!expected.has(f)) fs.rmSync(path.join(out, f));
for (const f of assets) {
  fs.mkdirSync(path.dirname(path.join(out, f)), { recursive: true });
  fs.copyFileSync(path.join(src, f), path.join(out, f));
}
// Directories left empty by removed outputs.
for (const e of fs.readdirSync(out, { recursive: true, withFileTypes: true }).reverse()) {
  const dir = path.join(e.parentPath, e.name);
  if (e.isDirectory() && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}
