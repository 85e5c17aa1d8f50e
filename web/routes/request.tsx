/** Screens 2 and 3: the request form and the confirmation that says the same whatever the match. */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { isValidNumic, normaliseNumic } from '../../domain/account-keys.js';
import { CONFIRMATION, REQUEST, SITE } from '../../copy/pages.js';
import { validate, wantsCaptchaRefresh } from '../forms.js';
import { checkCaptcha } from '../captcha-check.js';
import { page, redirectAfterPost } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { MessagePage } from '../views/layout.js';
import { RequestView, type RequestViewProps } from '../views/request.js';

export const REQUEST_PATH = '/identifiant-perdu';
export const CONFIRMATION_PATH = '/identifiant-perdu/confirmation';

const RequestSchema = z.object({
  numic: z
    .string({ error: REQUEST.errors.numicRequired })
    .trim()
    .min(1, { error: REQUEST.errors.numicRequired })
    .refine(isValidNumic, { error: REQUEST.errors.numicFormat })
    .transform(normaliseNumic),
  courriel: z
    .string({ error: REQUEST.errors.emailRequired })
    .trim()
    .min(1, { error: REQUEST.errors.emailRequired })
    .pipe(z.email({ error: REQUEST.errors.emailFormat }).max(254, { error: REQUEST.errors.emailFormat })),
});

export function requestRoutes(s: Services) {
  const app = new Hono<AppEnv>();

  const form = async (c: Context<AppEnv>, props: Partial<RequestViewProps> = {}, status: 200 | 422 = 200) => {
    const session = await c.var.ensureSession();
    const captcha = s.captchas.issue(session.id, 'request');
    return page(c, <RequestView csrfToken={session.csrfToken} captcha={captcha} captchaTtl={s.captchaTtl} {...props} />, status);
  };

  app.get(REQUEST_PATH, (c) => form(c));

  app.post(
    REQUEST_PATH,
    async (c, next) => {
      const f = c.var.form;
      const values = { numic: f.numic, email: f.courriel };
      if (wantsCaptchaRefresh(f)) return form(c, { values, captchaRefreshed: true });
      const result = validate(RequestSchema, f);
      const captcha = checkCaptcha(s.captchas, c.var.session!.id, 'request', f);
      if (!result.ok || !captcha.ok) return form(c, { values, errors: { ...(result.ok ? {} : result.errors), ...captcha.errors } }, 422);
      c.set('accountKey', result.data.numic);
      await next();
    },
    s.limits.perAccount('numic'),
    async (c) => {
      // Same call, same answer whether or not an account matches: the workflow looks it up later.
      await s.deps.renewals.requestRenewal({ numic: c.var.accountKey, email: c.var.form.courriel!.trim() });
      return redirectAfterPost(c, CONFIRMATION_PATH);
    },
  );

  app.get(CONFIRMATION_PATH, (c) =>
    page(
      c,
      <MessagePage
        title={CONFIRMATION.title}
        body={[CONFIRMATION.alertTitle, ...CONFIRMATION.body(s.delays.linkTtl)]}
        severity="success"
        actions={[{ label: SITE.backToLogin, href: '/connexion', secondary: true }]}
      />,
    ),
  );

  return app;
}
