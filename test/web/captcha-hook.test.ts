import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config/index.js';
import { createApp } from '../../web/app.js';
import { createCaptchaStore } from '../../web/captcha.js';
import { fakeDeps, routeTestConfig } from './support/fakes.js';
import { PageClient } from './support/page-client.js';

describe('the test-only captcha hook', () => {
  it('does not exist by default (404), even for a browser with a code', async () => {
    const config = routeTestConfig({ CAPTCHA_TEST_HOOK: 'false' });
    expect(config.web.captchaTestHook).toBe(false);
    const client = new PageClient(createApp(fakeDeps({ config })));
    await client.get('/identifiant-perdu');
    const res = await client.get('/__test/captcha');
    expect(res.status).toBe(404);
    expect(res.html).not.toMatch(/\d{4}"/);
  });

  it('is off when the configuration does not mention it, and refused in production', () => {
    const env = { NODE_ENV: 'test', DATA_DIR: routeTestConfig().dataDir } as const;
    expect(loadConfig(env).web.captchaTestHook).toBe(false);
    const key = Buffer.alloc(32, 1).toString('base64');
    const production = { ...env, NODE_ENV: 'production', PAYLOAD_KEY: key, FIELD_SEAL_KEY: key, CAPTCHA_TEST_HOOK: 'true' } as const;
    expect(() => loadConfig(production)).toThrow(ConfigError);
    expect(() => loadConfig(production)).toThrow(/CAPTCHA_TEST_HOOK/);
  });

  it('answers the current code of this session only when turned on', async () => {
    const app = createApp(fakeDeps());
    const client = new PageClient(app);
    expect((await client.get('/__test/captcha')).status).toBe(404); // no session yet
    await client.get('/identifiant-perdu');
    expect(await client.captchaAnswer('request')).toMatch(/^\d{4}$/);
    expect((await new PageClient(app).get('/__test/captcha?for=request')).status).toBe(404);
  });

  it('keeps no clear answer when built without the hook', () => {
    const store = createCaptchaStore({ clock: Date.now, ttlMs: 60_000 });
    store.issue('session', 'request');
    expect(store.answerForTests('session', 'request')).toBeUndefined();
  });
});
