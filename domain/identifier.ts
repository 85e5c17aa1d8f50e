import { randomInt } from 'node:crypto';

/**
 * Identifiers are typed by hand from an email: no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes.
 * Format: three groups of four, e.g. "K7QM-4WXH-9TPC".
 */
export const IDENTIFIER_ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';
export const IDENTIFIER_GROUPS = 3;
export const IDENTIFIER_GROUP_LENGTH = 4;

const IDENTIFIER_PATTERN = new RegExp(
  `^[${IDENTIFIER_ALPHABET}]{${IDENTIFIER_GROUP_LENGTH}}(-[${IDENTIFIER_ALPHABET}]{${IDENTIFIER_GROUP_LENGTH}}){${IDENTIFIER_GROUPS - 1}}$`,
);

/** Accepts what a person may type: lower case, spaces or no dashes. */
export function normaliseIdentifier(raw: string): string {
  const compact = raw.replace(/[\s-]/g, '').toUpperCase();
  const groups = compact.match(new RegExp(`.{1,${IDENTIFIER_GROUP_LENGTH}}`, 'g')) ?? [];
  return groups.join('-');
}

export function isWellFormedIdentifier(value: string): boolean {
  return IDENTIFIER_PATTERN.test(value);
}

/** Builds an identifier from a source of uniform random indexes. */
export function identifierFrom(randomIndex: (max: number) => number): string {
  const groups: string[] = [];
  for (let g = 0; g < IDENTIFIER_GROUPS; g++) {
    let group = '';
    for (let i = 0; i < IDENTIFIER_GROUP_LENGTH; i++) group += IDENTIFIER_ALPHABET[randomIndex(IDENTIFIER_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** A new identifier from crypto randomness (the registry claims it, so none is ever issued twice). */
export const randomIdentifier = () => identifierFrom((max) => randomInt(max));
