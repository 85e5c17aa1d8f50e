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

/** The button that draws a new security code without JavaScript posts the form with this field. */
export const ACTION_FIELD = '_action';
export const REFRESH_CODE = 'nouveau-code';

export const wantsCodeRefresh = (form: Record<string, string>) => form[ACTION_FIELD] === REFRESH_CODE;

export const hasErrors = (errors: FieldErrors | undefined) => Object.values(errors ?? {}).some((e) => e !== undefined);
