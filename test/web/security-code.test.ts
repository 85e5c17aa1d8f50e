/**
 * The security code, played against as a bot would: every form's response searched for the answer,
 * the spoken version fetched, codes replayed, moved between browsers, guessed.
 */
import wavefile from 'wavefile';
import { describe, expect, it } from 'vitest';
import { CODE } from '../../copy/pages.js';
import { ConfigError, loadConfig, loadWebConfig } from '../../config/index.js';
import { freshProductionSecrets } from '../../config/secrets.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import { createApp } from '../../web/app.js';
import { fakeAccounts, fakeDeps, routeTestConfig } from '../support/fakes.js';
import { PageClient, textOf } from '../support/page-client.js';

const FORMS = [
  { path: RENEWAL_PATHS.identifier.request, purpose: 'request' },
  { path: RENEWAL_PATHS.password.request, purpose: 'request' },
  { path: PATHS.help, purpose: 'help' },
  { path: `${RENEWAL_PATHS.identifier.link}/jeton`, purpose: 'link' },
  { path: `${RENEWAL_PATHS.password.link}/jeton`, purpose: 'link' },
] as const;

/** Every way the answer could be written: the digits, with separators, and as French words. */
function spellings(answer: string): RegExp[] {
  const digits = [...answer];
  const words = digits.map((d) => CODE.digits[Number(d)]);
  return [
    new RegExp(digits.join('[^0-9a-z]{0,3}')),
    new RegExp(words.join('[^a-zà-ÿ]{1,5}'), 'i'),
    ...digits.map((_, i) => new RegExp(`(^|[^0-9])${digits.slice(i).concat(digits.slice(0, i)).join('')}`)), // any rotation
  ];
}

const wrongOf = (answer: string) => (answer === '0000' ? '1111' : '0000');

describe('a bot reading the page', () => {
  it.each(FORMS)(
    'finds the answer nowhere in what $path sends: markup, attributes, ARIA, headers, image bytes',
    async ({ path, purpose }) => {
      const app = createApp(await fakeDeps());
      for (let draw = 0; draw < 5; draw++) {
        const bot = new PageClient(app);
        const res = await bot.get(path);
        const answer = await bot.captchaAnswer(purpose);
        const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
        const image = /src="data:image\/png;base64,([^"]+)"/.exec(res.html)![1]!;
        const imageBytes = Buffer.from(image, 'base64').toString('latin1');
        expect(imageBytes.startsWith('\x89PNG')).toBe(true);
        expect(res.html).not.toMatch(/<svg|<path/);
        for (const pattern of spellings(answer)) {
          // The page without its image (a base64 run may contain any four digits by chance).
          expect(res.html.replace(image, ''), `${pattern} in the markup`).not.toMatch(pattern);
          expect(headers, `${pattern} in the headers`).not.toMatch(pattern);
        }
        expect(imageBytes).not.toContain(answer);
      }
    },
  );

  it('keeps the answer out of the cookie that carries it (sealed) and cannot alter it', async () => {
    const app = createApp(await fakeDeps());
    const client = new PageClient(app);
    await client.get(RENEWAL_PATHS.identifier.request);
    const answer = await client.captchaAnswer('request');
    const sealed = client.cookies.get('code-request')!;
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain(answer);
    client.cookies.set('code-request', sealed.slice(0, -2) + (sealed.endsWith('AA') ? 'BB' : 'AA'));
    const res = await client.post(RENEWAL_PATHS.identifier.request, { numic: '2026000001', courriel: 'a@example.org', code: answer });
    expect(res.status).toBe(422);
  });
});

describe('the spoken code', () => {
  const audioUrlOf = (html: string) => /<audio[^>]* src="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
  const secondsOf = (wav: Buffer) => {
    const file = new wavefile.WaveFile(wav);
    const fmt = file.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
    expect(file.container).toBe('RIFF');
    expect(fmt.numChannels).toBe(1);
    expect(fmt.bitsPerSample).toBe(16);
    return (file.getSamples() as unknown as ArrayLike<number>).length / fmt.sampleRate;
  };

  it('is a WAV file of a few seconds, never cached, and the same each time for one code', async () => {
    const client = new PageClient(createApp(await fakeDeps()));
    const page = await client.get(RENEWAL_PATHS.identifier.request);
    const first = await client.get(audioUrlOf(page.html));
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('audio/wav');
    expect(first.headers.get('cache-control')).toBe('no-store');
    const seconds = secondsOf(first.bytes);
    expect(seconds).toBeGreaterThan(2);
    expect(seconds).toBeLessThan(8);
    // Fetching it again gives nothing new to average: the same bytes.
    expect((await client.get(audioUrlOf(page.html))).bytes.equals(first.bytes)).toBe(true);
  });

  it('differs between two codes with the same digits (a new draw, a new voice and noise)', async () => {
    const app = createApp(await fakeDeps());
    // Draw codes (no audio yet) until two browsers hold the same digits: 10 000 codes, so about a
    // hundred draws; then speak both.
    const byDigits = new Map<string, PageClient>();
    for (let i = 0; i < 2_000; i++) {
      const client = new PageClient(app);
      await client.get(RENEWAL_PATHS.identifier.request);
      const answer = await client.captchaAnswer('request');
      const earlier = byDigits.get(answer);
      if (earlier) {
        const [a, b] = await Promise.all([earlier, client].map(async (c) => (await c.get(audioUrlOf(c.lastHtml))).bytes));
        expect(secondsOf(a!)).toBeGreaterThan(2);
        expect(a!.equals(b!)).toBe(false);
        return;
      }
      byDigits.set(answer, client);
    }
    throw new Error('no two codes with the same digits were drawn');
  });

  it('speaks only the browser’s current code: an older code’s address is refused', async () => {
    const client = new PageClient(createApp(await fakeDeps()));
    const first = await client.get(RENEWAL_PATHS.identifier.request);
    const second = await client.get(RENEWAL_PATHS.identifier.request);
    expect((await client.get(audioUrlOf(first.html))).status).toBe(404);
    expect((await client.get(audioUrlOf(second.html))).status).toBe(200);
  });

  it('is refused for a browser without a code, and once its code was used', async () => {
    const app = createApp(await fakeDeps());
    expect((await new PageClient(app).get('/code-securite/request/audio?c=x')).status).toBe(404);
    const client = new PageClient(app);
    const page = await client.get(RENEWAL_PATHS.identifier.request);
    const cookie = client.cookies.get('code-request')!;
    await client.post(RENEWAL_PATHS.identifier.request, { numic: '2026000001', courriel: 'a@example.org', code: '0000' });
    client.cookies.set('code-request', cookie); // the bot keeps the used code's cookie
    const again = await client.get(audioUrlOf(page.html));
    expect(again.status).toBe(404);
    expect(textOf(again.html)).toContain(CODE.audioUnavailable);
  });
});

describe('checking a code', () => {
  const { request } = RENEWAL_PATHS.identifier;

  it('uses a code once: replaying a right answer with the same cookie fails', async () => {
    const deps = await fakeDeps();
    const client = new PageClient(createApp(deps));
    await client.get(request);
    const answer = await client.captchaAnswer('request');
    const cookie = client.cookies.get('code-request')!;
    const token = client.csrfToken()!;
    expect((await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: answer })).status).toBe(303);
    client.cookies.set('code-request', cookie);
    const replay = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: answer }, { csrf: token });
    expect(replay.status).toBe(422);
    expect(textOf(replay.html)).toContain(CODE.errors.wrong);
    expect(deps.renewals.requests).toHaveLength(1);
  });

  it('lets a code expire after the configured delay', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    const config = routeTestConfig();
    const deps = await fakeDeps({ config, clock: () => now });
    const client = new PageClient(createApp(deps));
    await client.get(request);
    const answer = await client.captchaAnswer('request');
    now += config.web.captchaTtlMs;
    const page = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', code: answer });
    expect(page.status).toBe(422);
    expect(deps.renewals.requests).toHaveLength(0);
  });

  it('binds the code to the browser that drew it', async () => {
    const app = createApp(await fakeDeps());
    const alice = new PageClient(app);
    const mallory = new PageClient(app);
    await alice.get(request);
    await mallory.get(request);
    const alices = await alice.captchaAnswer('request');
    const mallorys = await mallory.captchaAnswer('request');
    const code = alices === mallorys ? wrongOf(mallorys) : alices;
    expect((await mallory.post(request, { numic: '2026000001', courriel: 'a@example.org', code })).status).toBe(422);
  });

  it('draws a new code without JavaScript and keeps what was typed', async () => {
    const client = new PageClient(createApp(await fakeDeps()));
    await client.get(request);
    const page = await client.post(request, { numic: '2026000001', courriel: 'a@example.org', _action: 'nouveau-code' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('value="2026000001"');
    expect(page.html).not.toContain('resume-erreurs');
    expect(page.html).toContain(CODE.refreshed);
    expect(client.cookies.get('code-request')).toBeDefined();
    expect(await client.captchaAnswer('request')).toMatch(/^\d{4}$/);
  });

  it('draws a new code for htmx as a fragment that replaces the code block only', async () => {
    const client = new PageClient(createApp(await fakeDeps()));
    await client.get(request);
    const csrf = client.csrfToken()!;
    const fragment = await client.post('/code-securite/request', {}, { htmx: true, csrf });
    expect(fragment.status).toBe(200);
    expect(fragment.html).toMatch(/^<fieldset class="fr-fieldset captcha" id="code-securite-request"/);
    expect(fragment.html).toContain('data-autofocus');
    expect(fragment.headers.get('cache-control')).toBe('no-store');
    expect((await client.post('/code-securite/autre', {}, { htmx: true, csrf })).status).toBe(404);
  });

  it('after repeated wrong codes from one address, offers no new code for a while, in French', async () => {
    const config = routeTestConfig({ CAPTCHA_FAILURES_PER_IP: '3', RATE_LIMIT_PER_IP: '100' });
    const app = createApp(await fakeDeps({ config }));
    const bot = new PageClient(app);
    for (let i = 0; i < 3; i++) {
      await bot.get(request);
      const res = await bot.post(request, {
        numic: '2026000001',
        courriel: 'a@example.org',
        code: wrongOf(await bot.captchaAnswer('request')),
      });
      expect(res.status).toBe(422);
    }
    const blocked = await bot.get(request);
    expect(textOf(blocked.html)).toContain(CODE.tooManyTitle);
    expect(textOf(blocked.html)).toMatch(/dans \d+ minutes?\./);
    expect(blocked.html).not.toContain('data:image/png');
    const post = await bot.post(request, { numic: '2026000001', courriel: 'a@example.org', code: '1234' });
    expect(post.status).toBe(429);
    // A new browser at the same address is no way around it; another address is not affected.
    const sameAddress = new PageClient(app, undefined, undefined, bot.address);
    expect((await sameAddress.get(request)).html).not.toContain('data:image/png');
    expect((await new PageClient(app).get(request)).html).toContain('data:image/png');
  });
});

describe('the test-only hook', () => {
  it('does not exist by default (404), even for a browser with a code', async () => {
    const config = routeTestConfig({ CAPTCHA_TEST_HOOK: 'false' });
    const client = new PageClient(createApp(await fakeDeps({ config })));
    await client.get(RENEWAL_PATHS.identifier.request);
    expect((await client.get('/__test/captcha?for=request')).status).toBe(404);
  });

  it('is off when the configuration does not mention it, and refused in production', () => {
    const env = { NODE_ENV: 'test', DATA_DIR: routeTestConfig().dataDir } as const;
    expect(loadConfig(env).web.captchaTestHook).toBe(false);
    const production = {
      ...env,
      ...freshProductionSecrets(),
      NODE_ENV: 'production',
      PUBLIC_BASE_URL: 'https://consulat.example.fr',
      CAPTCHA_TEST_HOOK: 'true',
    };
    expect(() => loadWebConfig(production)).toThrow(ConfigError);
    expect(() => loadWebConfig(production)).toThrow(/CAPTCHA_TEST_HOOK/);
  });

  it('answers only the browser’s own code', async () => {
    const app = createApp(await fakeDeps({ accounts: await fakeAccounts([]) }));
    const client = new PageClient(app);
    expect((await client.get('/__test/captcha?for=request')).status).toBe(404);
    await client.get(RENEWAL_PATHS.identifier.request);
    expect(await client.captchaAnswer('request')).toMatch(/^\d{4}$/);
    expect((await new PageClient(app).get('/__test/captcha?for=request')).status).toBe(404);
  });
});
