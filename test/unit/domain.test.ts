import { describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { isValidNumic, normaliseEmail, normaliseNumic } from '../../domain/account-keys.js';
import { IDENTIFIER_ALPHABET, identifierFrom, isWellFormedIdentifier, normaliseIdentifier } from '../../domain/identifier.js';
import { formatLinkToken, linkUrl, parseLinkToken } from '../../domain/renewal-link.js';
import { newLinkSecret } from '../../domain/link-secret.js';
import { parseDuration } from '../../config/duration.js';

describe('account keys', () => {
  it('normalises NUMIC and email the way a citizen types them', () => {
    expect(normaliseNumic(' 2026 000-001a ')).toBe('2026000001A');
    expect(isValidNumic('2026 0000 01')).toBe(true);
    expect(isValidNumic('12-34')).toBe(false);
    expect(isValidNumic('2026000001<script>')).toBe(false);
    expect(normaliseEmail('  Camille.Martin@Example.ORG ')).toBe('camille.martin@example.org');
  });
});

describe('identifiers', () => {
  it('uses no look-alike characters', () => {
    for (const confusable of '0O1IL2Z5S8B') expect(IDENTIFIER_ALPHABET).not.toContain(confusable);
  });

  it('are well formed and accept what a person types back', () => {
    const id = identifierFrom((max) => randomInt(max));
    expect(isWellFormedIdentifier(id)).toBe(true);
    expect(normaliseIdentifier(id.toLowerCase().replace(/-/g, ' '))).toBe(id);
  });
});

describe('renewal link', () => {
  it('round-trips a token and carries no NUMIC or email', () => {
    const token = { workflowId: 'renouvellement-0123abcd', runId: '0190c0c3-7ab5-7e4f-9d2e-1a2b3c4d5e6f', secret: newLinkSecret() };
    expect(parseLinkToken(formatLinkToken(token))).toEqual(token);
    const url = linkUrl('https://portail.example.fr', token);
    expect(url.startsWith('https://portail.example.fr/identifiant-perdu/lien/')).toBe(true);
    expect(url).not.toMatch(/2026000001|@/);
  });

  it('rejects anything else', () => {
    for (const bad of ['', 'a.b.c', '../../etc/passwd', `x.${'0'.repeat(36)}.short`]) expect(parseLinkToken(bad)).toBeUndefined();
  });
});

describe('durations', () => {
  it('reads the units used in configuration', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
  });
});
