import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_HOME, CODE, ERRORS, LOGIN } from '../../copy/pages.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import { createApp } from '../../web/app.js';
import { fakeAccounts, fakeDeps, routeTestConfig } from '../support/fakes.js';
import { PageClient, textOf } from '../support/page-client.js';

const CITIZEN = { identifier: 'HJ4K-M7NP-QRTV', password: 'Soleil-Marin-2026' };
let accounts: Awaited<ReturnType<typeof fakeAccounts>>;

beforeAll(async () => {
  accounts = await fakeAccounts([CITIZEN]);
});

async function loginApp(config = routeTestConfig()) {
  return createApp(await fakeDeps({ accounts, config }));
}
async function loginPage(config = routeTestConfig()) {
  const client = new PageClient(await loginApp(config));
  await client.get(PATHS.login);
  return client;
}
const logIn = (client: PageClient, password: string, extra: Record<string, string> = {}) =>
  client.post(PATHS.login, { identifiant: CITIZEN.identifier, motDePasse: password, ...extra });

describe('screen 1: login', () => {
  it('links to both renewals and to the help desk', async () => {
    const client = await loginPage();
    expect(client.lastHtml).toContain(`<a class="fr-link" href="${RENEWAL_PATHS.identifier.request}">${LOGIN.lostIdentifier}</a>`);
    expect(client.lastHtml).toContain(`<a class="fr-link" href="${RENEWAL_PATHS.password.request}">${LOGIN.lostPassword}</a>`);
    expect(client.lastHtml).toContain('href="/aide"');
  });

  it('authenticates against the registry (argon2) and opens the account page in a new session', async () => {
    const client = await loginPage();
    client.cookies.set('sid', 'fixed-by-an-attacker');
    const res = await client.post(PATHS.login, { identifiant: ' hj4k m7np qrtv ', motDePasse: CITIZEN.password });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(PATHS.account);
    expect(client.cookies.get('sid')).not.toBe('fixed-by-an-attacker');
    const home = await client.get(PATHS.account);
    expect(home.status).toBe(200);
    expect(textOf(home.html)).toContain(ACCOUNT_HOME.connected);
    expect(home.html).toContain(CITIZEN.identifier);
  });

  it('gives one generic message for a wrong password and for an unknown identifier, keeping the identifier typed', async () => {
    const client = await loginPage();
    const wrongPassword = await logIn(client, 'nope');
    await client.get(PATHS.login);
    const unknown = await client.post(PATHS.login, { identifiant: 'AAAA-BBBB-CCCC', motDePasse: CITIZEN.password });
    for (const page of [wrongPassword, unknown]) {
      expect(page.status).toBe(401);
      expect(textOf(page.html)).toContain(LOGIN.errors.failed);
      expect(page.html).toContain('role="alert"');
      expect(page.html).not.toContain('nope');
      expect(page.html).not.toContain(CITIZEN.password);
    }
    expect(wrongPassword.html).toContain(`value="${CITIZEN.identifier}"`);
    expect(textOf(wrongPassword.html).replace(CITIZEN.identifier, 'X')).toBe(textOf(unknown.html).replace('AAAA-BBBB-CCCC', 'X'));
  });

  it('asks for both fields', async () => {
    const client = await loginPage();
    const page = await client.post(PATHS.login, { identifiant: '', motDePasse: '' });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(LOGIN.errors.identifierRequired);
    expect(textOf(page.html)).toContain(LOGIN.errors.passwordRequired);
  });

  it('redirects to the login page without a session, and logs out', async () => {
    const client = await loginPage();
    expect((await client.get(PATHS.account)).status).toBe(303);
    await logIn(client, CITIZEN.password);
    expect((await client.get(PATHS.account)).status).toBe(200);
    const out = await client.post(PATHS.logout, {});
    expect(out.status).toBe(303);
    expect((await client.get(PATHS.account)).status).toBe(303);
  });

  it('ends every session logged in with the old password once it changes', async () => {
    const app = await loginApp();
    const phone = new PageClient(app);
    const laptop = new PageClient(app);
    for (const device of [phone, laptop]) {
      await device.get(PATHS.login);
      expect((await logIn(device, CITIZEN.password)).status).toBe(303);
      expect((await device.get(PATHS.account)).status).toBe(200);
    }
    await accounts.changePassword(CITIZEN.identifier, 'Nouveau-Mot-2026');
    try {
      for (const device of [phone, laptop]) {
        const res = await device.get(PATHS.account);
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe(PATHS.login);
      }
    } finally {
      await accounts.changePassword(CITIZEN.identifier, CITIZEN.password);
    }
  });
});

describe('nobody can lock a citizen out of the login', () => {
  it('refuses a client after its own failures on an identifier, in French, and lets the owner elsewhere in at once', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_ACCOUNT: '5', RATE_LIMIT_PER_IP: '1000', LOGIN_CODE_AFTER_FAILURES: '1000' });
    const app = await loginApp(config);
    const stranger = new PageClient(app);
    await stranger.get(PATHS.login);
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) statuses.push((await logIn(stranger, `guess-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    const limited = await logIn(stranger, CITIZEN.password);
    expect(limited.status).toBe(429);
    expect(textOf(limited.html)).toContain(ERRORS.tooMany.title);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect([...limited.headers.keys()].filter((h) => h.startsWith('ratelimit'))).toEqual([]);

    const owner = new PageClient(app);
    await owner.get(PATHS.login);
    expect((await logIn(owner, CITIZEN.password)).status).toBe(303);
  });

  it('after many failures from anywhere, asks every client for a security code too: the owner solves it and logs in', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_ACCOUNT: '5', RATE_LIMIT_PER_IP: '1000', LOGIN_CODE_AFTER_FAILURES: '10' });
    const app = await loginApp(config);
    // Fifty guesses from ten addresses (a botnet): each address only gets its five.
    for (let bot = 0; bot < 10; bot++) {
      const client = new PageClient(app);
      await client.get(PATHS.login);
      for (let i = 0; i < 5; i++) await logIn(client, `guess-${bot}-${i}`);
    }
    const owner = new PageClient(app);
    await owner.get(PATHS.login);
    const asked = await logIn(owner, CITIZEN.password);
    expect(asked.status).toBe(422);
    expect(textOf(asked.html)).toContain(LOGIN.codeNeeded);
    expect(textOf(asked.html)).toContain(CODE.errors.required);
    const inside = await logIn(owner, CITIZEN.password, { code: await owner.captchaAnswer('login') });
    expect(inside.status).toBe(303);
    expect(inside.headers.get('location')).toBe(PATHS.account);

    // A guesser must now solve a code at every guess: without one, no password is even checked.
    const bot = new PageClient(app);
    await bot.get(PATHS.login);
    expect((await logIn(bot, CITIZEN.password)).status).toBe(422);
  });
});
