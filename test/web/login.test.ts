import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_HOME, ERRORS, LOGIN } from '../../copy/pages.js';
import { createApp } from '../../web/app.js';
import { fakeAccounts, fakeDeps, routeTestConfig } from './support/fakes.js';
import { PageClient, textOf } from './support/page-client.js';

const CITIZEN = { identifier: 'HJ4K-M7NP-QRTV', password: 'Soleil-Marin-2026' };
let accounts: Awaited<ReturnType<typeof fakeAccounts>>;

beforeAll(async () => {
  accounts = await fakeAccounts([CITIZEN]);
});

async function loginPage(config = routeTestConfig()) {
  const client = new PageClient(createApp(fakeDeps({ accounts, config })));
  await client.get('/connexion');
  return client;
}

describe('screen 1: login', () => {
  it('authenticates against the registry (argon2) and opens the account page with a new session ID', async () => {
    const client = await loginPage();
    const before = client.cookies.get('sid');
    const res = await client.post('/connexion', { identifiant: ' hj4k m7np qrtv ', motDePasse: CITIZEN.password });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/espace');
    expect(client.cookies.get('sid')).not.toBe(before);
    const home = await client.get('/espace');
    expect(home.status).toBe(200);
    expect(textOf(home.html)).toContain(ACCOUNT_HOME.connected);
    expect(home.html).toContain(CITIZEN.identifier);
  });

  it('gives one generic message for a wrong password and for an unknown identifier, keeping the identifier typed', async () => {
    const client = await loginPage();
    const wrongPassword = await client.post('/connexion', { identifiant: CITIZEN.identifier, motDePasse: 'nope' });
    await client.get('/connexion');
    const unknown = await client.post('/connexion', { identifiant: 'AAAA-BBBB-CCCC', motDePasse: CITIZEN.password });
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
    const page = await client.post('/connexion', { identifiant: '', motDePasse: '' });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(LOGIN.errors.identifierRequired);
    expect(textOf(page.html)).toContain(LOGIN.errors.passwordRequired);
  });

  it('redirects to the login page without a session, and logs out', async () => {
    const client = await loginPage();
    expect((await client.get('/espace')).status).toBe(303);
    await client.post('/connexion', { identifiant: CITIZEN.identifier, motDePasse: CITIZEN.password });
    const home = await client.get('/espace');
    expect(home.status).toBe(200);
    const out = await client.post('/deconnexion', {});
    expect(out.status).toBe(303);
    expect((await client.get('/espace')).status).toBe(303);
  });

  it('limits failed logins per identifier with a French 429 page, not successful ones', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_ACCOUNT: '2', RATE_LIMIT_PER_IP: '100' });
    const client = await loginPage(config);
    for (let i = 0; i < 2; i++) {
      expect((await client.post('/connexion', { identifiant: CITIZEN.identifier, motDePasse: CITIZEN.password })).status).toBe(303);
      await client.get('/connexion');
    }
    expect((await client.post('/connexion', { identifiant: CITIZEN.identifier, motDePasse: 'bad-1' })).status).toBe(401);
    expect((await client.post('/connexion', { identifiant: CITIZEN.identifier, motDePasse: 'bad-2' })).status).toBe(401);
    const limited = await client.post('/connexion', { identifiant: CITIZEN.identifier, motDePasse: CITIZEN.password });
    expect(limited.status).toBe(429);
    expect(textOf(limited.html)).toContain(ERRORS.tooMany.title);
  });
});
