/**
 * The security code's own addresses: a fresh code for htmx (without JavaScript the form's own
 * button does it), the spoken code, and, in tests only, the current answer.
 */
import { Hono } from 'hono';
import { CODE } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import { isCodePurpose } from '../captcha/challenge.js';
import { page } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { CodeField } from '../views/components.js';
import { MessagePage } from '../views/layout.js';

export function codeRoutes(s: Services) {
  const app = new Hono<AppEnv>();

  app.post(`${PATHS.captcha}/:purpose`, async (c) => {
    const purpose = c.req.param('purpose');
    if (!isCodePurpose(purpose)) return c.notFound();
    const verdict = await s.limits.codeMediaPerAddress.consume(c.var.clientAddress);
    if (!verdict.allowed) return s.refuse(c, 'code-media-per-address', verdict.retryAfterMs);
    c.header('Cache-Control', 'no-store');
    return c.html(<CodeField code={await s.codeFor(c, purpose)} ttl={s.codeTtl} refreshed />);
  });

  /** The browser's current code, spoken: the same audio each time for one code, a new one with each code. */
  app.get(`${PATHS.captcha}/:purpose/audio`, async (c) => {
    const purpose = c.req.param('purpose');
    const code = isCodePurpose(purpose) ? s.codes.current(c, purpose) : undefined;
    // An older code's address (a stale page) says so rather than speak another code.
    if (!code || code.id !== c.req.query('c') || (await s.codes.used(code))) {
      return page(c, <MessagePage title={CODE.legend} body={CODE.audioUnavailable} status={404} severity="warning" />, 404);
    }
    const verdict = await s.limits.codeMediaPerAddress.consume(c.var.clientAddress);
    if (!verdict.allowed) return s.refuse(c, 'code-media-per-address', verdict.retryAfterMs);
    const wav = await s.deps.speech.speak(
      [...code.digits].map((d) => CODE.digits[Number(d)]!),
      code.seed,
    );
    c.header('Cache-Control', 'no-store');
    c.header('Content-Type', 'audio/wav');
    c.header('Content-Disposition', 'inline; filename="code-securite.wav"');
    return c.body(new Uint8Array(wav));
  });

  return app;
}

/**
 * Test-only: the current answer of this browser's code for a form, so an end-to-end test can pass
 * it. Mounted only when CAPTCHA_TEST_HOOK is on, which the configuration refuses in production.
 */
export function codeTestHook(s: Services) {
  const app = new Hono<AppEnv>();
  app.get('/__test/captcha', (c) => {
    const purpose = c.req.query('for');
    const code = isCodePurpose(purpose) ? s.codes.current(c, purpose) : undefined;
    c.header('Cache-Control', 'no-store');
    return code ? c.json({ answer: code.digits }) : c.json({ error: 'no current code for this browser' }, 404);
  });
  return app;
}
