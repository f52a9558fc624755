import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { project } from '../src/contract/project.js';
import { connectSessionWithToken } from '../src/contract/connect-sessions.js';
import { createProject } from '../src/core/projects/projects.js';
import { addApiKey, generateApiKey } from '../src/core/projects/api-keys.js';
import { api } from './helpers/server.js';
import { expectWire } from './helpers/contract.js';
import { portOf, startMadeUpWorld, type MadeUpWorld } from './helpers/made-up.js';
import { startUpstream, type ScriptedUpstream } from './helpers/upstream.js';
import { solidPng } from './helpers/png.js';

const LOGO = solidPng(32, 32, [37, 99, 235]);
const SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';

let world: MadeUpWorld;
let up: ScriptedUpstream;

beforeAll(async () => {
  up = await startUpstream((req, res) => {
    const send = (
      status: number,
      type: string,
      body: Buffer | string,
      extra: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'content-type': type, ...extra });
      res.end(body);
    };
    if (req.url === '/logo.png') return send(200, 'image/png', LOGO);
    // Claims to be a PNG; the bytes say otherwise.
    if (req.url === '/logo.svg') return send(200, 'image/png', SVG);
    if (req.url === '/page.html') return send(200, 'text/html', '<html></html>');
    if (req.url === '/huge.png')
      return send(200, 'image/png', Buffer.concat([LOGO, Buffer.alloc(300 * 1024)]));
    if (req.url === '/moved.png')
      return send(302, 'text/plain', '', { location: 'https://cdn.example-brand.test/logo.png' });
    return send(404, 'text/plain', 'no');
  });
  world = await startMadeUpWorld({
    connectors: {},
    routes: [
      {
        hosts: ['cdn.example-brand.test'],
        port: portOf(up),
        paths: ['/logo.png', '/logo.svg', '/page.html', '/huge.png', '/moved.png', '/missing.png'],
      },
    ],
    workers: false,
  });
});
afterAll(async () => {
  await world?.close();
  await up?.close();
});

const call = (method: string, path: string, body?: unknown, key?: string) =>
  api(world.server, key)(method, path, body);

describe('GET /project', () => {
  it('answers the project with empty branding and the powered-by line on', async () => {
    const res = await call('GET', '/project');
    expect(res.status).toBe(200);
    const body = expectWire(project, res.json);
    expect(body.branding).toEqual({
      display_name: null,
      logo_url: null,
      accent_color: null,
      support_email: null,
      privacy_url: null,
      terms_url: null,
      consent_text: null,
      show_powered_by: true,
    });
  });

  it('needs the API key', async () => {
    const res = await fetch(`${world.server.url}/project`);
    expect(res.status).toBe(401);
  });
});

describe('PATCH /project', () => {
  it('stores the branding, fetches the logo once and serves it from our own URL', async () => {
    const before = up.requests.length;
    const res = await call('PATCH', '/project', {
      branding: {
        display_name: 'Acme Payroll',
        logo_url: 'https://cdn.example-brand.test/logo.png',
        accent_color: '#2563EB',
        support_email: 'help@acme.example',
        privacy_url: 'https://acme.example/privacy',
        terms_url: 'https://acme.example/terms',
        consent_text: 'By connecting you agree that Acme reads your employee list.',
        show_powered_by: false,
      },
    });
    expect(res.status).toBe(200);
    const body = expectWire(project, res.json);
    expect(body.branding).toMatchObject({
      display_name: 'Acme Payroll',
      accent_color: '#2563eb',
      show_powered_by: false,
    });
    expect(up.requests.length - before).toBe(1);
    const logoUrl = body.branding.logo_url!;
    expect(logoUrl.startsWith(`${world.server.url}/project_logos/${body.id}/`)).toBe(true);
    const logo = await fetch(logoUrl);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/png');
    expect(logo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await logo.arrayBuffer()).equals(LOGO)).toBe(true);
    // Reading it does not fetch it again.
    expect((await call('GET', '/project')).json.branding.logo_url).toBe(logoUrl);
    expect(up.requests.length - before).toBe(1);
  });

  it('changes a subset and leaves the rest; null clears a field', async () => {
    const res = await call('PATCH', '/project', {
      branding: { consent_text: null, terms_url: 'https://acme.example/t2' },
    });
    expect(res.status).toBe(200);
    expect(res.json.branding).toMatchObject({
      display_name: 'Acme Payroll',
      consent_text: null,
      terms_url: 'https://acme.example/t2',
      show_powered_by: false,
    });
    expect(res.json.branding.logo_url).not.toBeNull();
  });

  it.each([
    [
      { branding: { accent_color: '#fde047' } },
      'branding.accent_color',
      /too light for the light theme.*WCAG AA needs 3:1/,
    ],
    [{ branding: { accent_color: '#1e1b4b' } }, 'branding.accent_color', /too dark for the dark theme/],
    [{ branding: { accent_color: 'blue' } }, 'branding.accent_color', /#rrggbb/],
    [{ branding: { privacy_url: 'http://acme.example/privacy' } }, 'branding.privacy_url', /https/],
    [{ branding: { support_email: 'not an address' } }, 'branding.support_email', /./],
    [{ branding: { colour: '#2563eb' } }, 'branding', /unknown field "colour"/],
    [
      { branding: { logo_url: 'https://cdn.example-brand.test/logo.svg' } },
      'branding.logo_url',
      /SVG, which is not accepted/,
    ],
    [
      { branding: { logo_url: 'https://cdn.example-brand.test/page.html' } },
      'branding.logo_url',
      /not a PNG, WebP, JPEG or GIF/,
    ],
    [
      { branding: { logo_url: 'https://cdn.example-brand.test/huge.png' } },
      'branding.logo_url',
      /larger than 256 KB/,
    ],
    [{ branding: { logo_url: 'https://cdn.example-brand.test/moved.png' } }, 'branding.logo_url', /redirect/],
    [
      { branding: { logo_url: 'https://cdn.example-brand.test/missing.png' } },
      'branding.logo_url',
      /HTTP 404/,
    ],
    [{ branding: { logo_url: 'https://169.254.169.254/logo.png' } }, 'branding.logo_url', /private network/],
  ])('refuses %j with a 400 naming the field, changing nothing', async (body, field, message) => {
    const before = (await call('GET', '/project')).json;
    const res = await call('PATCH', '/project', { ...body, name: 'Renamed' });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('INVALID_INPUT');
    expect(res.json.message).toMatch(message);
    if (field !== 'branding') expect(res.json.data?.field).toBe(field);
    expect((await call('GET', '/project')).json).toEqual(before);
  });

  it('removes the logo with null; its old URL then answers 404', async () => {
    const old = (await call('GET', '/project')).json.branding.logo_url;
    const res = await call('PATCH', '/project', { branding: { logo_url: null } });
    expect(res.json.branding.logo_url).toBeNull();
    expect((await fetch(old)).status).toBe(404);
  });

  it("keeps each project's branding to itself", async () => {
    const other = await createProject(world.server.app.deps.db, 'Other');
    const key = generateApiKey();
    await addApiKey(world.server.app.deps.db, other.projectId, key);
    const res = await call('GET', '/project', undefined, key);
    expect(res.json).toMatchObject({ id: other.projectId, name: 'Other', branding: { display_name: null } });
  });
});

describe('POST /connect_sessions with a locale', () => {
  const create = (locale: unknown) =>
    call('POST', '/connect_sessions', { origin_owner_id: 'o1', origin_owner_name: 'Globex', locale });

  it('accepts a BCP 47 tag, stores it canonical, and keeps the StackOne answer shape', async () => {
    const res = await create('pt-br');
    expect(res.status).toBe(201);
    expectWire(connectSessionWithToken, res.json);
    const { rows } = await world.server.app.deps.db.query(
      'SELECT locale FROM connect_sessions WHERE id = $1',
      [res.json.id],
    );
    expect(rows[0].locale).toBe('pt-BR');
  });

  it('refuses a tag that is not BCP 47', async () => {
    const res = await create('not a language');
    expect(res.status).toBe(400);
    expect(res.json.message).toMatch(/^locale: must be a BCP 47 language tag/);
  });
});
