// The import rules of src/, as dependency-cruiser rules. `src/architecture.test.ts` checks the
// tree against them; `src/core/README.md` explains them in words.
import type { IForbiddenRuleType } from 'dependency-cruiser';

const core = (folders: string) => `^src/core/(${folders})/`;
/** Any module inside a folder of src/core (the kernel files sit at its top level). */
const ANY_CORE_FOLDER = '^src/core/[^/]+/';

/** What each folder of src/core may import, besides the kernel and the modules outside src/core. */
const MAY_IMPORT: Record<string, string> = {
  projects: core('projects'),
  'connector-profiles': core('connector-profiles'),
  webhooks: `${core('webhooks')}|^src/core/accounts/(row|wire)\\.ts$`,
  accounts: `${core('accounts|connector-profiles|webhooks')}|^src/core/credentials/(schedule|revoke)\\.ts$`,
  credentials: `${core('credentials|accounts|connector-profiles|webhooks')}|^src/core/linking/oauth2/token-endpoint\\.ts$`,
  linking: core('linking|accounts|connector-profiles|credentials|webhooks|logs'),
  'provider-calls': core('provider-calls|projects|connector-profiles|credentials|logs'),
  actions: core('actions|provider-calls|accounts|connector-profiles|credentials|logs'),
  logs: core('logs'),
  agents: core('agents|accounts'),
  events: core('events|provider-calls|accounts|connector-profiles|credentials|webhooks'),
};

export const RULES: IForbiddenRuleType[] = [
  {
    name: 'no-cycles',
    comment: 'No import cycle anywhere in src/, type imports included.',
    severity: 'error',
    from: { path: '^src/' },
    to: { circular: true },
  },
  {
    name: 'kernel-imports-no-domain',
    comment:
      'The files at the top of src/core (deps, errors, ids, vault, metrics, network policy) import no domain folder.',
    severity: 'error',
    from: { path: '^src/core/[^/]+\\.ts$' },
    to: { path: ANY_CORE_FOLDER },
  },
  ...Object.entries(MAY_IMPORT).map(
    ([folder, allowed]): IForbiddenRuleType => ({
      name: `core-${folder}-layer`,
      comment: `src/core/${folder} may import only its own layer and those below it.`,
      severity: 'error',
      from: { path: core(folder) },
      to: {
        path: ANY_CORE_FOLDER,
        pathNot: allowed,
        // A log entry describes a provider call: naming its type is not a dependency on the caller.
        ...(folder === 'logs' ? { dependencyTypesNot: ['type-only' as const] } : {}),
      },
    }),
  ),
  {
    name: 'core-not-http',
    comment: 'The domain never knows about HTTP routes, the CLI or the workers.',
    severity: 'error',
    from: { path: '^src/core/' },
    to: { path: '^src/(http|cli|jobs|web)/' },
  },
  {
    name: 'store-not-domain',
    severity: 'error',
    from: { path: '^src/store/' },
    to: { path: '^src/(core|http|cli|jobs|connectors)/' },
  },
  {
    name: 'connectors-not-domain',
    severity: 'error',
    from: { path: '^src/connectors/' },
    to: { path: '^src/(core|http|cli|jobs|store)/' },
  },
  { name: 'http-not-cli', severity: 'error', from: { path: '^src/http/' }, to: { path: '^src/(cli|jobs)/' } },
  {
    name: 'route-not-sibling-route',
    comment: 'A route folder does not reach into another route folder: shared helpers live in src/http.',
    severity: 'error',
    from: { path: '^src/http/routes/([^/]+)/' },
    to: { path: '^src/http/routes/[^/]+/', pathNot: '^src/http/routes/$1/' },
  },
  {
    name: 'web-only-web',
    comment: 'Browser code imports browser code only.',
    severity: 'error',
    from: { path: '^src/web/' },
    to: { path: '^src/', pathNot: '^src/web/|^src/contract/' },
  },
  {
    name: 'web-contract-types-only',
    comment:
      'Browser code names the wire contract in types only, so no zod reaches the bundle; the category list and the Hub’s language list are plain data and the exceptions.',
    severity: 'error',
    from: { path: '^src/web/' },
    to: {
      path: '^src/contract/',
      pathNot: '^src/contract/(categories|locales)\\.ts$',
      dependencyTypesNot: ['type-only'],
    },
  },
  {
    name: 'kit-imports-below-it',
    comment:
      'The connector kit (fake provider, contract checks) runs a whole server: it may use core, connectors, http, app.ts and config, but not the CLI, the workers, the store or the browser code.',
    severity: 'error',
    from: { path: '^src/kit/' },
    to: { path: '^src/(cli|jobs|store|web)/' },
  },
  {
    name: 'only-cli-imports-kit',
    comment: 'Nothing in src imports the connector kit except the CLI (`connectors test`).',
    severity: 'error',
    from: { path: '^src/', pathNot: '^src/(kit|cli)/' },
    to: { path: '^src/kit/' },
  },
  {
    name: 'contract-imports-no-layer',
    comment: 'The wire contract is zod and src/connectors only: it knows no domain, route, page or store.',
    severity: 'error',
    from: { path: '^src/contract/' },
    to: { path: '^src/(core|http|web|cli|jobs|store)/' },
  },
];
