import path from 'node:path';
import { ConfigError } from '../config/config.js';
import {
  BUILTIN_CONNECTORS_DIR,
  ConnectorDefinitionError,
  loadConnectorFile,
  loadConnectors,
  SCHEMA_FILE,
} from '../connectors/loader.js';
import fs from 'node:fs/promises';
import { connectorSetupCommand } from './connector-setup.js';
import { connectorNewCommand } from './connector-new.js';
import { testConnector } from '../kit/run.js';

export const CONNECTORS_USAGE = `Usage: switchboard connectors <list|validate|new|test|setup> …

  connectors list [dir]            the built-in connectors (and those in dir): key, auth, categories, actions
  connectors validate [path ...]   check connector files (or every *.json in a directory; default: the
                                   built-in ones) against the connector schema, every problem with its
                                   path; exit 1 on errors
  connectors new <key> [options]   write a connector file that loads, a logo and the schema, to fill in
                                   with the provider's facts; --help lists its options
  connectors setup <key> [options] run the setup helper the connector declares (Kustomer: register a
                                   private OAuth app) and print the values it produced; --help lists
                                   its options
  connectors test <key> [--dir <dir>]
                                   run the connector's contract checks against a fake provider played
                                   from its fixture (<dir>/fixtures/<key>.json, else the built-in one),
                                   on a server of its own (DATABASE_URL, else an embedded database in a
                                   temporary directory); one line per check; exit 1 on a failure`;

/** `connectors test <key> [--dir <dir>]`. */
async function testCommand(args: string[]): Promise<void> {
  const [key, ...rest] = args;
  if (!key || key.startsWith('-'))
    throw new ConfigError(`connectors test needs a connector key\n\n${CONNECTORS_USAGE}`);
  let dir: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--dir' && rest[i + 1]) dir = rest[++i];
    else throw new ConfigError(`unknown argument "${rest[i]}"\n\n${CONNECTORS_USAGE}`);
  }
  try {
    const report = await testConnector(key, { dir });
    if (!report.ok) process.exitCode = 1;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** The connector files a path names: the file itself, or a directory's `*.json` but its schema. */
async function connectorFiles(given: string): Promise<string[]> {
  const full = path.resolve(given);
  if (!(await fs.stat(full)).isDirectory()) return [full];
  return (await fs.readdir(full))
    .filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE)
    .sort()
    .map((f) => path.join(full, f));
}

export async function connectorsCommand(argv: string[]): Promise<void> {
  const [sub, dir, ...more] = argv;
  if (sub === 'list') {
    const registry = await loadConnectors(dir ? path.resolve(dir) : process.env.SWITCHBOARD_CONNECTORS_DIR);
    for (const c of registry.list()) {
      console.log(
        [
          c.key.padEnd(14),
          c.auth.type.padEnd(8),
          c.categories.join(',').padEnd(18),
          `${c.actions.length} actions`,
          c.name,
        ].join('  '),
      );
    }
    return;
  }
  if (sub === 'validate') {
    const paths = dir ? [dir, ...more] : [BUILTIN_CONNECTORS_DIR];
    const files: string[] = [];
    for (const p of paths) {
      try {
        files.push(...(await connectorFiles(p)));
      } catch {
        throw new ConfigError(`no such file or directory: ${p}`);
      }
    }
    if (files.length === 0) throw new ConfigError(`no *.json connector files in ${paths.join(', ')}`);
    let bad = 0;
    for (const f of files) {
      try {
        const c = await loadConnectorFile(f);
        console.log(`ok      ${path.basename(f)} (${c.key})`);
      } catch (err) {
        bad++;
        console.log(
          `invalid ${err instanceof ConnectorDefinitionError ? err.message : (err as Error).message}`,
        );
      }
    }
    if (bad) {
      process.exitCode = 1;
      console.log(`${bad} of ${files.length} files invalid`);
    }
    return;
  }
  if (sub === 'test') return testCommand(argv.slice(1));
  if (sub === 'new') return connectorNewCommand(argv.slice(1));
  if (sub === 'setup') {
    const registry = await loadConnectors(process.env.SWITCHBOARD_CONNECTORS_DIR);
    const c = dir ? registry.get(dir) : undefined;
    if (!c) {
      const withHelper = registry
        .list()
        .filter((x) => x.setup_helper)
        .map((x) => x.key);
      throw new ConfigError(
        `${dir ? `no connector "${dir}"` : 'which connector?'}; connectors with a setup helper: ${withHelper.join(', ') || 'none'}`,
      );
    }
    return connectorSetupCommand(c, more);
  }
  if (sub && sub !== 'help' && sub !== '--help')
    throw new ConfigError(`unknown connectors command "${sub}"\n\n${CONNECTORS_USAGE}`);
  console.log(CONNECTORS_USAGE);
}
