import { describe, expect, it } from 'vitest';
import { setupHelperProblem, setupHelperSchema } from './setup-helper-schema.js';

const connector = {
  hosts: ['api.example-crm.test', '*.example-crm.test'],
  config_fields: [{ key: 'client_id' }],
  setup_fields: [],
};
const helper = (over: Record<string, unknown>) =>
  setupHelperSchema.parse({
    title: 'Register an app',
    fills: 'config',
    inputs: [{ key: 'api_key', label: 'API key', required: true, secret: true }],
    requests: [
      {
        id: 'app',
        url: 'https://api.example-crm.test/apps',
        headers: { authorization: 'Bearer ${input.api_key}' },
        body: { redirect: '${server.callback_url}' },
        keep: { id: '$.data.client_id' },
      },
    ],
    outputs: { client_id: '${step.id}' },
    ...over,
  });

describe('setup helper checks', () => {
  it('accepts calls to owned hosts that name declared inputs and earlier steps', () => {
    expect(setupHelperProblem(helper({}), connector)).toBeNull();
  });

  it('refuses hosts the connector does not own or does not write out', () => {
    const away = helper({ requests: [{ id: 'x', url: 'https://evil.test/apps' }] });
    expect(setupHelperProblem(away, connector)).toMatch(
      /requests\.0\.url: evil\.test is not a host the connector owns/,
    );
    const templated = helper({ requests: [{ id: 'x', url: 'https://${input.api_key}.example-crm.test/' }] });
    expect(setupHelperProblem(templated, connector)).toMatch(/host must be written out/);
  });

  it('refuses unknown values, later steps and outputs for fields that do not exist', () => {
    expect(setupHelperProblem(helper({ outputs: { client_id: '${step.nope}' } }), connector)).toMatch(
      /outputs\.client_id: template names unknown value \$\{step\.nope\}/,
    );
    expect(setupHelperProblem(helper({ outputs: { secret: '${step.id}' } }), connector)).toMatch(
      /no config field secret/,
    );
    const early = helper({
      requests: [
        { id: 'a', url: 'https://api.example-crm.test/${step.later}' },
        { id: 'b', url: 'https://api.example-crm.test/b', keep: { later: '$.x' } },
      ],
    });
    expect(setupHelperProblem(early, connector)).toMatch(
      /requests\.0: template names unknown value \$\{step\.later\}/,
    );
  });
});
