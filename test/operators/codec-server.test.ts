import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { createCodecServerApp } from '../../codec/server/app.js';
import { fromJsonPayload, toJsonPayload, type JSONPayload } from '../../codec/server/json-payloads.js';
import { SESSION_COOKIE } from '../../codec/server/app.js';

const token = randomBytes(24).toString('base64url');
const uiOrigin = 'http://localhost:8233';
const codec = new AesGcmCodec({ keyId: 'test-1', key: randomBytes(32) });
const app = createCodecServerApp({ codec, token, corsOrigin: uiOrigin, secureCookies: false });

async function encryptedJson(value: unknown): Promise<JSONPayload> {
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  return toJsonPayload(sealed!);
}

const plain = (json: JSONPayload) => defaultPayloadConverter.fromPayload(fromJsonPayload(json));

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
    body: JSON.stringify(body),
  });
}

describe('codec server', () => {
  it('decodes payloads for a caller holding the token', async () => {
    const payloads = [await encryptedJson({ email: 'usager@example.org' }), await encryptedJson('deuxième')];
    expect(JSON.stringify(payloads)).not.toContain('usager');

    const res = await post('/decode', { payloads }, { Authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { payloads: JSONPayload[] };
    expect(body.payloads.map(plain)).toEqual([{ email: 'usager@example.org' }, 'deuxième']);
  });

  it('accepts the namespace as a path prefix, as the CLI template sends it', async () => {
    const res = await post('/default/decode', { payloads: [await encryptedJson(42)] }, { Authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
  });

  it('encodes payloads that it can decode again', async () => {
    const payload = toJsonPayload(defaultPayloadConverter.toPayload({ reason: 'test' }));
    const encoded = (await (await post('/encode', { payloads: [payload] }, { Authorization: `Bearer ${token}` })).json()) as {
      payloads: JSONPayload[];
    };
    expect(JSON.stringify(encoded)).not.toContain(payload.data);
    const decoded = (await (await post('/decode', encoded, { Authorization: `Bearer ${token}` })).json()) as { payloads: JSONPayload[] };
    expect(plain(decoded.payloads[0]!)).toEqual({ reason: 'test' });
  });

  it('leaves a payload it cannot decrypt as it is, and decodes the others', async () => {
    const foreign = new AesGcmCodec({ keyId: 'other', key: randomBytes(32) });
    const [sealed] = await foreign.encode([defaultPayloadConverter.toPayload('illisible')]);
    const unreadable = toJsonPayload(sealed!);
    const res = await post('/decode', { payloads: [unreadable, await encryptedJson('lisible')] }, { Authorization: `Bearer ${token}` });
    const body = (await res.json()) as { payloads: JSONPayload[] };
    expect(body.payloads[0]).toEqual(unreadable);
    expect(plain(body.payloads[1]!)).toBe('lisible');
  });

  it('answers 401 without a token or with a wrong one, and decodes nothing', async () => {
    const payloads = [await encryptedJson('secret')];
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: `Bearer ${token}x` },
      { Authorization: `Bearer ${token.slice(0, -1)}` },
      { Authorization: token },
    ];
    for (const headers of attempts) {
      const res = await post('/decode', { payloads }, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.text()).not.toContain('secret');
    }
    expect((await post('/encode', { payloads }, {})).status).toBe(401);
  });

  it('reads an empty Payloads message as no payloads, as the CLI sends it for a query without arguments', async () => {
    const res = await post('/encode', {}, { Authorization: `Bearer ${token}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [] });
  });

  it('refuses malformed bodies and oversized ones', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    expect((await post('/decode', { payloads: [{ data: 'not base64 !' }] }, auth)).status).toBe(400);
    expect((await post('/decode', { payloads: 'nothing' }, auth)).status).toBe(400);
    expect((await post('/decode', [], auth)).status).toBe(400);
    const small = createCodecServerApp({ codec, token, corsOrigin: uiOrigin, secureCookies: false, maxBodyBytes: 1024 });
    const res = await small.request('/decode', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: JSON.stringify({ payloads: [{ data: 'A'.repeat(4096) }] }),
    });
    expect(res.status).toBe(413);
  });

  it('answers the UI origin’s preflight with the headers the UI sends, and no other origin', async () => {
    const preflight = (origin: string) =>
      app.request('/decode', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
      });

    const allowed = await preflight(uiOrigin);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
    const allowedHeaders = allowed.headers.get('access-control-allow-headers')?.toLowerCase() ?? '';
    for (const header of ['content-type', 'x-namespace', 'authorization']) expect(allowedHeaders).toContain(header);

    for (const origin of ['http://evil.example', 'http://localhost:3000']) {
      const refused = await preflight(origin);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('puts CORS headers on the UI origin’s responses only', async () => {
    const payloads = [await encryptedJson('x')];
    const fromUi = await post('/decode', { payloads }, { Origin: uiOrigin, Authorization: `Bearer ${token}` });
    expect(fromUi.headers.get('access-control-allow-origin')).toBe(uiOrigin);
    const fromElsewhere = await post('/decode', { payloads }, { Origin: 'http://evil.example', Authorization: `Bearer ${token}` });
    expect(fromElsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a browser open a decoding session with the token, for the UI which sends no Authorization', async () => {
    const form = (jeton: string) =>
      app.request('/connexion', {
        method: 'POST',
        headers: { Origin: 'http://localhost', 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ jeton }).toString(),
      });

    const wrong = await form('mauvais');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const ok = await form(token);
    expect(ok.status).toBe(200);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(token);
    const cookie = setCookie.split(';')[0]!;
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);

    const payloads = [await encryptedJson('par la session')];
    const decoded = await post('/decode', { payloads }, { Origin: uiOrigin, Cookie: cookie });
    expect(decoded.status).toBe(200);
    expect(plain(((await decoded.json()) as { payloads: JSONPayload[] }).payloads[0]!)).toBe('par la session');

    const forged = await post('/decode', { payloads }, { Cookie: `${SESSION_COOKIE}=9999999999.${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);
  });

  it('refuses a cross-site login form post', async () => {
    const res = await app.request('/connexion', {
      method: 'POST',
      headers: { Origin: 'http://evil.example', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ jeton: token }).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('answers its health check without a token', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
