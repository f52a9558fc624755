import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * What `npm start` runs: the compiled server in dist/server/, which the flow tests' global setup
 * brings up to date. It starts in about half the CPU time of the sources through tsx.
 */
export const BIN = path.join(ROOT, 'bin/switchboard.js');
/** The CLI from its TypeScript sources through tsx (`npm run dev`). */
const FROM_SOURCES = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
  path.join(ROOT, 'src/cli/main.ts'),
];

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the listening URL once the start banner is printed. */
  ready: Promise<string>;
  exited: Promise<number | null>;
}

/** Runs `switchboard <args>` as a real child process: the compiled CLI unless `sources`. */
export function runSwitchboard(
  args: string[],
  env: Record<string, string> = {},
  opts: { sources?: boolean } = {},
): ServerProcess {
  const child = spawn(process.execPath, [...(opts.sources ? FROM_SOURCES : [BIN]), ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`switchboard exited with ${code}:\n${out}`)));
  });
  ready.catch(() => undefined);
  return { child, output: () => out, ready, exited };
}
