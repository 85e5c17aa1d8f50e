import { hash, verify } from '@node-rs/argon2';
import { canonicalGeneratedPassword } from '../domain/password.js';

const ARGON2ID = 2; // Algorithm.Argon2id: a const enum, not importable under isolatedModules

/** Passwords are kept only as argon2id hashes (OWASP's recommended parameters). */
export const hashPassword = (password: string): Promise<string> =>
  hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false; // a malformed stored hash authenticates nobody
  }
}

/**
 * A password as a citizen typed it: exactly, or, for one the portal generated (domain/password.ts),
 * in any case and spacing, since it was copied by hand from an SMS.
 */
export async function verifyTypedPassword(storedHash: string, typed: string): Promise<boolean> {
  if (await verifyPassword(storedHash, typed)) return true;
  const canonical = canonicalGeneratedPassword(typed);
  return canonical !== undefined && canonical !== typed && verifyPassword(storedHash, canonical);
}
