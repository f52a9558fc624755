import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { RULES } from './architecture.js';

async function violations(root: string, rules: IForbiddenRuleType[], cwd?: string) {
  const previous = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const { output } = await cruise(
      [root],
      {
        validate: true,
        ruleSet: { forbidden: rules },
        tsPreCompilationDeps: true,
        exclude: { path: '\\.test\\.ts$|^src/web/dist/' },
        doNotFollow: { path: 'node_modules' },
      },
      { extensions: ['.ts', '.js', '.mjs', '.json'] },
      { tsConfig: { fileName: cwd ? join(cwd, 'tsconfig.json') : 'tsconfig.json' } },
    );
    const result = output as ICruiseResult;
    return result.summary.violations.map((v) =>
      v.cycle
        ? `${v.rule.name}: ${v.cycle.map((c) => c.name).join(' → ')}`
        : `${v.rule.name}: ${v.from} → ${v.to}`,
    );
  } finally {
    process.chdir(previous);
  }
}

/** The violations in a scratch tree made of `files` (path → content), with a NodeNext tsconfig. */
async function violationsIn(files: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'arch-'));
  try {
    const all = {
      'tsconfig.json': '{"compilerOptions":{"module":"NodeNext","moduleResolution":"NodeNext"}}',
      ...files,
    };
    for (const [path, text] of Object.entries(all)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return await violations('src', RULES, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('architecture', () => {
  it('src/ has no import cycle and keeps its layer rules', { timeout: 60_000 }, async () => {
    expect(await violations('src', RULES)).toEqual([]);
  });

  // The rules above would pass vacuously if they matched nothing: here each kind is shown failing.
  it('reports a cycle, a layer upside down and core importing http', { timeout: 60_000 }, async () => {
    const found = await violationsIn({
      'src/core/accounts/accounts.ts': "import { b } from '../webhooks/events.js';\nexport const a = b;\n",
      'src/core/webhooks/events.ts':
        "import { a } from '../accounts/accounts.js';\nexport const b = 1;\nvoid a;\n",
      'src/core/projects/projects.ts': "import { x } from '../../http/server.js';\nexport const p = x;\n",
      'src/http/server.ts': 'export const x = 1;\n',
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no-cycles: /),
        'core-webhooks-layer: src/core/webhooks/events.ts → src/core/accounts/accounts.ts',
        'core-not-http: src/core/projects/projects.ts → src/http/server.ts',
      ]),
    );
  });

  it('lets the web name the contract in types only, and keeps the contract off every layer', {
    timeout: 60_000,
  }, async () => {
    const found = await violationsIn({
      'src/core/errors.ts': 'export const e = 1;\n',
      'src/contract/shape.ts':
        "import { e } from '../core/errors.js';\nexport const shape = e;\nexport type Shape = number;\n",
      'src/web/typed.ts': "import type { Shape } from '../contract/shape.js';\nexport const t: Shape = 1;\n",
      'src/web/valued.ts': "import { shape } from '../contract/shape.js';\nexport const v = shape;\n",
    });
    expect(found).toContain('contract-imports-no-layer: src/contract/shape.ts → src/core/errors.ts');
    expect(found).toContain('web-contract-types-only: src/web/valued.ts → src/contract/shape.ts');
    expect(found.filter((v) => v.includes('src/web/typed.ts'))).toEqual([]);
  });
});
