/** The AIDE page and its contact form, which emails the help desk. */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { isValidNumic, normaliseNumic } from '../../domain/account-keys.js';
import { HELP, SITE } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import { validate, wantsCodeRefresh } from '../forms.js';
import { page, redirectAfterPost, type Status } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { HelpView, type HelpViewProps } from '../views/help.js';
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

  const form = async (c: Context<AppEnv>, props: Partial<HelpViewProps> = {}, status: Status = 200) =>
    page(
      c,
      <HelpView
        csrfToken={c.var.csrfToken}
        code={await s.codeFor(c, 'help')}
        codeTtl={s.codeTtl}
        helpdeskEmail={s.deps.helpdeskEmail}
        {...props}
      />,
      status,
    );

  app.get(PATHS.help, (c) => form(c));

  app.post(PATHS.help, async (c) => {
    const f = c.var.form;
    const values = { nom: f.nom, courriel: f.courriel, numic: f.numic, message: f.message };
    if (wantsCodeRefresh(f)) return form(c, { values, codeRefreshed: true });
    const result = validate(HelpSchema, f);
    const code = await s.checkCode(c, 'help', f);
    if (!result.ok || !code.ok)
      return form(c, { values, errors: { ...(result.ok ? {} : result.errors), ...code.errors } }, code.blocked ? 429 : 422);

    try {
      await s.deps.mailer.send({ to: s.deps.helpdeskEmail, replyTo: result.data.courriel, ...HELP.helpdeskMessage(result.data) });
    } catch (err) {
      s.deps.logger.error({ err: (err as Error).message }, 'help-desk email not sent');
      return form(c, { values, sendFailed: true }, 503);
    }
    return redirectAfterPost(c, PATHS.helpSent);
  });

  app.get(PATHS.helpSent, (c) =>
    page(
      c,
      <MessagePage title={HELP.sentTitle} body={HELP.sent} severity="success" actions={[{ label: SITE.backToLogin, href: PATHS.login }]} />,
    ),
  );

  return app;
}
