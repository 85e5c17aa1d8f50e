/**
 * Nothing a citizen types reaches a log: every form is posted with a marker in every field (right
 * and wrong answers, all paths), and every line the web logged, at every level, is searched for it.
 */
import { describe, expect, it } from 'vitest';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import { RENEWAL_KINDS } from '../../workflows/definitions.js';
import { createApp } from '../../web/app.js';
import { createLogger } from '../../config/logger.js';
import { fakeAccounts, fakeDeps } from '../support/fakes.js';
import { PageClient } from '../support/page-client.js';

const MARKER = 'Marqueur-Secret-7c31';
const CITIZEN = { identifier: 'HJ4K-M7NP-QRTV', password: `${MARKER}-mot-de-passe` };

describe('the web’s logs', () => {
  it('never hold a field a citizen typed: passwords, identifiers, codes, form tokens, emails, NUMICs, messages', async () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'trace' }, 'web', { write: (line: string) => void lines.push(line) });
    const deps = await fakeDeps({ logger, accounts: await fakeAccounts([CITIZEN]) });
    deps.renewals.submitResults.push(
      { status: 'wrong-secret', attemptsLeft: 2 },
      { status: 'completed', kind: 'identifier', identifier: 'K7QM-4WXH-9TPC' },
      { status: 'wrong-secret', attemptsLeft: 2 },
      { status: 'completed', kind: 'password', phoneEnding: '01' },
    );
    const app = createApp(deps);
    const client = new PageClient(app);
    const marked = (field: string) => `${MARKER}-${field}`;

    await client.get(PATHS.login);
    for (const password of [marked('motDePasse'), CITIZEN.password]) {
      await client.post(PATHS.login, { identifiant: CITIZEN.identifier, motDePasse: password, code: marked('code') });
      await client.get(PATHS.login);
    }
    await client.post(PATHS.login, { identifiant: marked('identifiant'), motDePasse: marked('motDePasse') });
    for (const kind of RENEWAL_KINDS) {
      const paths = RENEWAL_PATHS[kind];
      await client.get(paths.request);
      await client.post(paths.request, {
        numic: marked('numic'),
        courriel: `${MARKER}@example.org`,
        code: marked('code'),
        _csrf: marked('csrf'),
      });
      await client.get(paths.request);
      await client.post(paths.request, {
        numic: '2026000001',
        courriel: `${MARKER.toLowerCase()}@example.org`,
        code: await client.captchaAnswer('request'),
      });
      const link = `${paths.link}/${MARKER}`;
      await client.get(link);
      await client.post(link, { secret: marked('secret'), code: await client.captchaAnswer('link') });
      await client.post(link, { secret: marked('secret'), code: await client.captchaAnswer('link') });
      await client.get(paths.done);
    }
    await client.get(PATHS.help);
    await client.post(PATHS.help, {
      nom: marked('nom'),
      courriel: `${MARKER}@example.org`,
      numic: 'ABCD1234',
      message: marked('message'),
      code: await client.captchaAnswer('help'),
    });

    expect(lines.length).toBeGreaterThan(20);
    const everything = lines.join('\n');
    expect(everything).not.toContain(MARKER);
    expect(everything).not.toContain(MARKER.toLowerCase());
    expect(everything).toContain('"event":"login-succeeded"');
    expect(everything).toContain('"event":"login-failed"');
  });

  it('redacts secret fields by name even when code logs them by mistake', () => {
    const lines: string[] = [];
    const logger = createLogger({ logLevel: 'info' }, 'test', { write: (line: string) => void lines.push(line) });
    logger.info(
      { motDePasse: MARKER, form: { secret: MARKER, code: MARKER, _csrf: MARKER, jeton: MARKER }, headers: { cookie: MARKER } },
      'oops',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(MARKER);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      motDePasse: '[secret]',
      form: { secret: '[secret]', code: '[secret]', _csrf: '[secret]' },
    });
  });
});
