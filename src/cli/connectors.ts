import path from 'node:path';
import { ConfigError } from '../config/config.js';
import { ConnectorDefinitionError, loadConnectorFile, loadConnectors } from '../connectors/loader.js';
import fs from 'node:fs/promises';

export const CONNECTORS_USAGE = `Usage: switchboard connectors <list|validate> [dir]

  connectors list [dir]       the built-in connectors (and those in dir): key, auth, categories, actions
  connectors validate <dir>   check every *.json in dir against the connector schema; exit 1 on errors`;

export async function connectorsCommand(argv: string[]): Promise<void> {
  const [sub, dir] = argv;
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
    if (!dir) throw new ConfigError('connectors validate needs a directory');
    const files = (await fs.readdir(path.resolve(dir))).filter((f) => f.endsWith('.json')).sort();
    if (files.length === 0) throw new ConfigError(`no *.json connector files in ${dir}`);
    let bad = 0;
    for (const f of files) {
      try {
        const c = await loadConnectorFile(path.join(path.resolve(dir), f));
        console.log(`ok      ${f} (${c.key})`);
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
  if (sub && sub !== 'help' && sub !== '--help')
    throw new ConfigError(`unknown connectors command "${sub}"\n\n${CONNECTORS_USAGE}`);
  console.log(CONNECTORS_USAGE);
}
