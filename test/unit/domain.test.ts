import { randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../config/duration.js';
import { durationInWords } from '../../copy/durations.js';
import { isValidNumic, normaliseEmail, normaliseNumic } from '../../domain/account-keys.js';
import {
  IDENTIFIER_ALPHABET,
  identifierFrom,
  isWellFormedIdentifier,
  normaliseIdentifier,
  randomIdentifier,
} from '../../domain/identifier.js';
import { newLinkSecret } from '../../domain/link-secret.js';
import { GENERATED_PASSWORD_BITS, canonicalGeneratedPassword, randomPassword } from '../../domain/password.js';
import { linkUrl, loggablePath } from '../../domain/paths.js';
import { formatLegacyLinkToken, parseLegacyLinkToken } from '../../domain/renewal-link.js';
import { renewalWorkflowId } from '../../domain/renewal-id.js';
import { openLinkToken, sealLinkToken } from '../../codec/link-token.js';

describe('account keys', () => {
  it('normalises NUMIC and email the way a citizen types them', () => {
    expect(normaliseNumic(' 2026 000-001a ')).toBe('2026000001A');
    expect(isValidNumic('2026 0000 01')).toBe(true);
    expect(isValidNumic('12-34')).toBe(false);
    expect(isValidNumic('2026000001<script>')).toBe(false);
    expect(normaliseEmail('  Camille.Martin@Example.ORG ')).toBe('camille.martin@example.org');
  });
});

describe('identifiers and generated passwords', () => {
  it('use no look-alike characters', () => {
    for (const confusable of '0O1IL2Z5S8B') expect(IDENTIFIER_ALPHABET).not.toContain(confusable);
  });

  it('identifiers are well formed and accept what a person types back', () => {
    const id = identifierFrom((max) => randomInt(max));
    expect(isWellFormedIdentifier(id)).toBe(true);
    expect(isWellFormedIdentifier(randomIdentifier())).toBe(true);
    expect(normaliseIdentifier(id.toLowerCase().replace(/-/g, ' '))).toBe(id);
  });

  it('passwords carry at least 80 bits, and read back whatever the case or spacing', () => {
    expect(GENERATED_PASSWORD_BITS).toBeGreaterThanOrEqual(80);
    const password = randomPassword();
    expect(password).toMatch(/^[34679ACDEFGHJKMNPQRTUVWXY]{6}(-[34679ACDEFGHJKMNPQRTUVWXY]{6}){2}$/);
    expect(canonicalGeneratedPassword(password.toLowerCase().replaceAll('-', ' '))).toBe(password);
    expect(canonicalGeneratedPassword('Soleil-Marin-2026')).toBeUndefined();
    expect(new Set(Array.from({ length: 200 }, randomPassword)).size).toBe(200);
  });
});

describe('the renewal link', () => {
  const key = randomBytes(32);
  const target = {
    workflowId: renewalWorkflowId('2026000001', 'secret'),
    runId: '0190c0c3-7ab5-7e4f-9d2e-1a2b3c4d5e6f',
    secret: newLinkSecret(),
  };

  it('seals the run and the secret into a token that opens back, and names neither NUMIC nor email', () => {
    const token = sealLinkToken(key, target);
    expect(token).toMatch(/^[A-Za-z0-9_-]{124}$/);
    expect(openLinkToken(key, token)).toEqual(target);
    const url = linkUrl('https://portail.example.fr', 'identifier', token);
    expect(url).toBe(`https://portail.example.fr/identifiant-perdu/lien/${token}`);
    expect(url).not.toMatch(/2026000001|@|renouvellement/);
    expect(linkUrl('https://portail.example.fr', 'password', token)).toContain('/mot-de-passe-perdu/lien/');
  });

  it('gives two links of one run no common part', () => {
    const a = sealLinkToken(key, target);
    const b = sealLinkToken(key, { ...target, secret: newLinkSecret() });
    const common = [...a].filter((ch, i) => b[i] === ch).length;
    expect(common).toBeLessThan(20); // chance agreement only (1 in 64 per position)
    expect(a.slice(0, 8)).not.toBe(b.slice(0, 8));
  });

  it('refuses a token sealed under another key, altered, or malformed', () => {
    const token = sealLinkToken(key, target);
    expect(openLinkToken(randomBytes(32), token)).toBeUndefined();
    const altered = `${token.slice(0, 50)}${token[50] === 'A' ? 'B' : 'A'}${token.slice(51)}`;
    expect(openLinkToken(key, altered)).toBeUndefined();
    for (const bad of ['', 'a.b.c', '../../etc/passwd', 'x'.repeat(124)]) expect(openLinkToken(key, bad)).toBeUndefined();
    expect(() => sealLinkToken(key, { ...target, workflowId: 'autre-chose' })).toThrow();
  });

  it('still reads the first format (runs of the legacy workflow type)', () => {
    const legacy = { workflowId: 'renouvellement-0123abcd', runId: '0190c0c3-7ab5-7e4f-9d2e-1a2b3c4d5e6f', secret: newLinkSecret() };
    expect(parseLegacyLinkToken(formatLegacyLinkToken(legacy))).toEqual(legacy);
    for (const bad of ['', 'a.b.c', `x.${'0'.repeat(36)}.short`, sealLinkToken(key, target)])
      expect(parseLegacyLinkToken(bad)).toBeUndefined();
  });

  it('is never logged: the token is replaced in the path', () => {
    expect(loggablePath('/identifiant-perdu/lien/abc')).toBe('/identifiant-perdu/lien/:token');
    expect(loggablePath('/mot-de-passe-perdu/lien/abc')).toBe('/mot-de-passe-perdu/lien/:token');
    expect(loggablePath('/connexion')).toBe('/connexion');
  });
});

describe('durations', () => {
  it('reads the units used in configuration', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('says them in French, singular and plural', () => {
    expect(durationInWords(60_000)).toBe('1 minute');
    expect(durationInWords(5 * 60_000)).toBe('5 minutes');
    expect(durationInWords(3_600_000)).toBe('1 heure');
    expect(durationInWords(2 * 3_600_000)).toBe('2 heures');
    expect(durationInWords(24 * 3_600_000)).toBe('1 jour');
    expect(durationInWords(10_000)).toBe('1 minute');
  });
});
