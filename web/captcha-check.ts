import { z } from 'zod';
import { CAPTCHA } from '../copy/pages.js';
import type { CaptchaPurpose, CaptchaStore } from './captcha.js';
import type { FieldErrors } from './forms.js';
import { CAPTCHA_FIELD } from './views/components.js';

const CodeSchema = z
  .string({ error: CAPTCHA.errors.required })
  .trim()
  .min(1, { error: CAPTCHA.errors.required })
  .regex(/^\d{4}$/, { error: CAPTCHA.errors.format });

/**
 * Checks the typed code against the session's current one. The code is consumed in every case,
 * so each submission, right or wrong, is answered with a fresh one.
 */
export function checkCaptcha(
  captchas: CaptchaStore,
  sessionId: string,
  purpose: CaptchaPurpose,
  form: Record<string, string>,
): { ok: boolean; errors: FieldErrors } {
  const typed = CodeSchema.safeParse(form[CAPTCHA_FIELD] ?? '');
  const matches = captchas.verify(sessionId, purpose, typed.success ? typed.data : '');
  if (!typed.success) return { ok: false, errors: { [CAPTCHA_FIELD]: typed.error.issues[0]!.message } };
  return matches ? { ok: true, errors: {} } : { ok: false, errors: { [CAPTCHA_FIELD]: CAPTCHA.errors.wrong } };
}
