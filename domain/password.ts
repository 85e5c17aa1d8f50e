/**
 * Passwords the portal generates (a password renewal): 18 characters of the identifiers'
 * unambiguous alphabet in three groups of six, e.g. "K7QM4W-XH9TPC-3RFAYD": 18 × log2(25) ≈ 83.6
 * bits from crypto randomness, typed from an SMS without confusing 0/O, 1/I/L, 2/Z, 5/S or 8/B.
 */
import { randomInt } from 'node:crypto';
import { IDENTIFIER_ALPHABET } from './identifier.js';

const GROUPS = 3;
const GROUP_LENGTH = 6;
export const GENERATED_PASSWORD_BITS = GROUPS * GROUP_LENGTH * Math.log2(IDENTIFIER_ALPHABET.length);

export function randomPassword(): string {
  const group = () => Array.from({ length: GROUP_LENGTH }, () => IDENTIFIER_ALPHABET[randomInt(IDENTIFIER_ALPHABET.length)]).join('');
  return Array.from({ length: GROUPS }, group).join('-');
}

/**
 * What a citizen may type for a generated password: any case, with or without the dashes or with
 * spaces. Returns its canonical form, or undefined for something that is not one.
 */
export function canonicalGeneratedPassword(typed: string): string | undefined {
  const compact = typed.replace(/[\s-]/g, '').toUpperCase();
  if (compact.length !== GROUPS * GROUP_LENGTH || [...compact].some((c) => !IDENTIFIER_ALPHABET.includes(c))) return undefined;
  return compact.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g'))!.join('-');
}
