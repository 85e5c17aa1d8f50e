/** A fresh security code for htmx (without JavaScript the form's own button does it), and the test hook. */
import { Hono } from 'hono';
import { CAPTCHA_PURPOSES, type CaptchaPurpose } from '../captcha.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { CaptchaField } from '../views/components.js';

const isPurpose = (value: string | undefined): value is CaptchaPurpose => CAPTCHA_PURPOSES.includes(value as CaptchaPurpose);

export function captchaRoutes(s: Services) {
  const app = new Hono<AppEnv>();

  app.post('/code-securite/:purpose', s.limits.captchaRefresh, (c) => {
    const purpose = c.req.param('purpose');
    if (!isPurpose(purpose)) return c.notFound();
    const challenge = s.captchas.issue(c.var.session!.id, purpose);
    c.header('Cache-Control', 'no-store');
    return c.html(<CaptchaField challenge={challenge} ttl={s.captchaTtl} refreshed />);
  });

  return app;
}

/**
 * Test-only: the current answer for this browser's session, so an end-to-end test can pass the
 * code. Mounted only when CAPTCHA_TEST_HOOK is on, which the configuration refuses in production.
 */
export function captchaTestHook(s: Services) {
  const app = new Hono<AppEnv>();
  app.get('/__test/captcha', (c) => {
    const purpose = c.req.query('for');
    const session = c.var.session;
    const answer = session && (purpose === undefined || isPurpose(purpose)) ? s.captchas.answerForTests(session.id, purpose) : undefined;
    c.header('Cache-Control', 'no-store');
    return answer ? c.json({ answer }) : c.json({ error: 'no current code for this session' }, 404);
  });
  return app;
}
