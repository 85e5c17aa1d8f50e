/** The AIDE page and its contact form, which emails the help desk. */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { isValidNumic, normaliseNumic } from '../../domain/account-keys.js';
import { HELP, SITE } from '../../copy/pages.js';
import { checkCaptcha } from '../captcha-check.js';
import { validate, wantsCaptchaRefresh } from '../forms.js';
import { page, redirectAfterPost } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { HelpView, type HelpViewProps } from '../views/help.js';
import { HelpdeskEmail } from '../views/helpdesk-email.js';
import { MessagePage } from '../views/layout.js';

const HelpSchema = z.object({
  nom: z
    .string({ error: HELP.errors.nameRequired })
    .trim()
    .min(1, { error: HELP.errors.nameRequired })
    .max(120, { error: HELP.errors.nameTooLong })
    .transform((name) => name.replace(/\s+/g, ' ')), // it goes into the subject line: one line only
  courriel: z
    .string({ error: HELP.errors.emailRequired })
    .trim()
    .min(1, { error: HELP.errors.emailRequired })
    .pipe(z.email({ error: HELP.errors.emailFormat }).max(254, { error: HELP.errors.emailFormat })),
  numic: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || isValidNumic(v), { error: HELP.errors.numicFormat })
    .transform((v) => (v ? normaliseNumic(v) : undefined)),
  message: z
    .string({ error: HELP.errors.messageRequired })
    .trim()
    .min(1, { error: HELP.errors.messageRequired })
    .min(10, { error: HELP.errors.messageTooShort })
    .max(2000, { error: HELP.errors.messageTooLong }),
});

export function helpRoutes(s: Services) {
  const app = new Hono<AppEnv>();

  const form = async (c: Context<AppEnv>, props: Partial<HelpViewProps> = {}, status: 200 | 422 | 503 = 200) => {
    const session = await c.var.ensureSession();
    const captcha = s.captchas.issue(session.id, 'help');
    return page(c, <HelpView csrfToken={session.csrfToken} captcha={captcha} captchaTtl={s.captchaTtl} {...props} />, status);
  };

  app.get('/aide', (c) => form(c));

  app.post('/aide', async (c) => {
    const f = c.var.form;
    const values = { nom: f.nom, courriel: f.courriel, numic: f.numic, message: f.message };
    if (wantsCaptchaRefresh(f)) return form(c, { values, captchaRefreshed: true });
    const result = validate(HelpSchema, f);
    const captcha = checkCaptcha(s.captchas, c.var.session!.id, 'help', f);
    if (!result.ok || !captcha.ok) return form(c, { values, errors: { ...(result.ok ? {} : result.errors), ...captcha.errors } }, 422);

    const content = HELP.helpdeskMessage(result.data);
    try {
      await s.deps.mailer.send({
        to: s.deps.helpdeskEmail,
        subject: content.subject,
        text: content.lines.join('\n\n'),
        html: String(<HelpdeskEmail lines={content.lines} />),
      });
    } catch (err) {
      s.deps.logger.error({ err: (err as Error).message }, 'help-desk email not sent');
      return form(c, { values, sendFailed: true }, 503);
    }
    return redirectAfterPost(c, '/aide/message-envoye');
  });

  app.get('/aide/message-envoye', (c) =>
    page(
      c,
      <MessagePage
        title={HELP.sentTitle}
        body={HELP.sent}
        severity="success"
        actions={[{ label: SITE.backToLogin, href: '/connexion' }]}
      />,
    ),
  );

  return app;
}
