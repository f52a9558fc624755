// Runs a connector's setup helper: checks the inputs, makes its calls in order (each on a host
// the connector owns, redirects not followed), keeps the declared values and renders the outputs.
import { pick, selectAll } from './json-path.js';
import { hostMatches } from './hosts.js';
import { render, TemplateError, type TemplateContext } from './templating.js';
import type { Connector } from './schema.js';
import type { SetupHelper, SetupHelperInput } from './setup-helper-schema.js';

/** A refusal in words for the person running the helper (a bad input, a provider's answer). */
export class SetupHelperError extends Error {
  constructor(
    message: string,
    /** `input`: fix what you typed; `provider`: the provider refused or could not be reached. */
    readonly kind: 'input' | 'provider',
  ) {
    super(message);
    this.name = 'SetupHelperError';
  }
}

export interface SetupHelperResult {
  /** Field key → value, in the order the helper declares its outputs. */
  values: Record<string, string>;
  nextSteps: string[];
}

/** The inputs with defaults applied, or the first problem with one of them. */
export function helperInputs(helper: SetupHelper, given: Record<string, string | undefined>) {
  const out: Record<string, string> = {};
  for (const input of helper.inputs) {
    const value = given[input.key] ?? input.default;
    if (value === undefined || value === '') {
      if (input.required) throw new SetupHelperError(`${input.label} is required`, 'input');
      continue;
    }
    if (input.pattern && !new RegExp(`^(?:${input.pattern})$`, 'u').test(value))
      throw new SetupHelperError(
        input.pattern_message ?? `${input.label} is not in the expected form`,
        'input',
      );
    out[input.key] = value;
  }
  return out;
}

function renderBody(value: unknown, ctx: TemplateContext): unknown {
  if (typeof value === 'string') return render(value, ctx);
  if (Array.isArray(value)) return value.map((v) => renderBody(v, ctx));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderBody(v, ctx)]));
  return value;
}

function refusal(connector: Connector, helper: SetupHelper, status: number, path: string, text: string) {
  let said = text.slice(0, 300);
  try {
    const body: unknown = JSON.parse(text);
    const words = helper.error_message_path
      ? selectAll(body, helper.error_message_path).filter((v) => typeof v === 'string')
      : [connector.error_message_paths.map((p) => pick(body, p)).find((v) => typeof v === 'string')];
    if (words.length && words[0]) said = words.join('; ');
  } catch {
    // not JSON: keep the excerpt
  }
  return new SetupHelperError(`${connector.name} answered ${status} to ${path}: ${said}`, 'provider');
}

/**
 * Runs the helper with these inputs. `fetch` makes the calls (a test passes one that reaches a
 * fake at the provider's real host); `callbackUrl` is this server's OAuth redirect URI.
 */
export async function runSetupHelper(
  connector: Connector,
  helper: SetupHelper,
  given: Record<string, string | undefined>,
  opts: { fetch: typeof fetch; callbackUrl: string },
): Promise<SetupHelperResult> {
  const input = helperInputs(helper, given);
  const step: Record<string, string> = {};
  const ctx = { input, step, server: { callback_url: opts.callbackUrl } } as unknown as TemplateContext;
  const segment = (v: string) => encodeURIComponent(v);
  for (const request of helper.requests) {
    let url: URL;
    let body: string | undefined;
    let headers: Record<string, string>;
    try {
      url = new URL(render(request.url, ctx, segment));
      headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, render(v, ctx)]));
      body = request.body === undefined ? undefined : JSON.stringify(renderBody(request.body, ctx));
    } catch (err) {
      if (err instanceof TemplateError) throw new SetupHelperError(err.message, 'input');
      throw err;
    }
    // Checked at load too; checked again here because the path holds values.
    if (url.protocol !== 'https:' || !connector.hosts.some((p) => hostMatches(url.hostname, p)))
      throw new SetupHelperError(`${url.hostname} is not a ${connector.name} host`, 'input');
    const label = `${request.method} ${url.pathname}`;
    let res: Response;
    try {
      res = await opts.fetch(url, {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new SetupHelperError(`Could not reach ${url.hostname} (${cause})`, 'provider');
    }
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) throw refusal(connector, helper, res.status, label, text);
    let answer: unknown;
    try {
      answer = text ? JSON.parse(text) : null;
    } catch {
      throw new SetupHelperError(
        `${connector.name} answered ${label} with a body that is not JSON`,
        'provider',
      );
    }
    for (const [name, path] of Object.entries(request.keep)) {
      const v = pick(answer, path);
      if (typeof v === 'string' || typeof v === 'number') step[name] = String(v);
    }
  }
  const values: Record<string, string> = {};
  try {
    for (const [key, template] of Object.entries(helper.outputs)) values[key] = render(template, ctx);
  } catch (err) {
    if (err instanceof TemplateError)
      throw new SetupHelperError(
        `${connector.name}'s answers did not include ${/\$\{\w+\.(\w+)\}/.exec(err.message)?.[1] ?? 'a value'}`,
        'provider',
      );
    throw err;
  }
  return { values, nextSteps: helper.next_steps.map((t) => render(t, ctx)) };
}

/** The environment variable a secret input may come from: `KUSTOMER_API_KEY`. */
export const inputEnvName = (connectorKey: string, input: SetupHelperInput): string =>
  `${connectorKey}_${input.key}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
