/**
 * Form handling shared by the screens: every input goes through a zod schema whose messages are
 * the French ones of the catalogue; a failed parse becomes one message per field.
 */
import type { z } from 'zod';

export type FieldErrors = Partial<Record<string, string>>;

export type Validation<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function validate<S extends z.ZodType>(schema: S, input: unknown): Validation<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** Text fields of a submitted form; files and repeated names are ignored. */
export function textFields(body: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

/** The hidden field naming the button that refreshes the security code without JavaScript. */
export const ACTION_FIELD = '_action';
export const REFRESH_CAPTCHA = 'nouveau-code';
export const CSRF_FIELD = '_csrf';

export const wantsCaptchaRefresh = (form: Record<string, string>) => form[ACTION_FIELD] === REFRESH_CAPTCHA;
