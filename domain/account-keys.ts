/**
 * How the citizen's typed keys are normalised, in one place for the web, the client, the
 * workflow and the registry. Pure functions: safe in workflow code.
 */

/** NUMIC as printed on the consular card: 8 to 14 letters and digits; spaces and dashes ignored. */
export const NUMIC_PATTERN = /^[0-9A-Z]{8,14}$/;

export function normaliseNumic(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

export function isValidNumic(raw: string): boolean {
  return NUMIC_PATTERN.test(normaliseNumic(raw));
}

/** Emails compare case-insensitively after trimming. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}
