/** Screens 2 and 3, for either kind: the request form and the confirmation that says the same whatever the match. */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { CONFIRMATION, REQUEST, SITE } from '../../copy/pages.js';
import { isValidNumic, normaliseNumic } from '../../domain/account-keys.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import type { RenewalKind } from '../../workflows/definitions.js';
import { validate, wantsCodeRefresh } from '../forms.js';
import { page, redirectAfterPost, type Status } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { MessagePage } from '../views/layout.js';
import { RequestView, type RequestViewProps } from '../views/request.js';

const RequestSchema = z.object({
  numic: z
    .string({ error: REQUEST.errors.numicRequired })
    .trim()
    .min(1, { error: REQUEST.errors.numicRequired })
    .max(40, { error: REQUEST.errors.numicFormat })
    .refine(isValidNumic, { error: REQUEST.errors.numicFormat })
    .transform(normaliseNumic),
  courriel: z
    .string({ error: REQUEST.errors.emailRequired })
    .trim()
    .min(1, { error: REQUEST.errors.emailRequired })
    .pipe(z.email({ error: REQUEST.errors.emailFormat }).max(254, { error: REQUEST.errors.emailFormat })),
});

export function requestRoutes(kind: RenewalKind, s: Services) {
  const app = new Hono<AppEnv>();
  const paths = RENEWAL_PATHS[kind];

  const form = async (c: Context<AppEnv>, props: Partial<RequestViewProps> = {}, status: Status = 200) =>
    page(
      c,
      <RequestView kind={kind} csrfToken={c.var.csrfToken} code={await s.codeFor(c, 'request')} codeTtl={s.codeTtl} {...props} />,
      status,
    );

  app.get(paths.request, (c) => form(c));

  app.post(paths.request, async (c) => {
    const f = c.var.form;
    const values = { numic: f.numic, email: f.courriel };
    if (wantsCodeRefresh(f)) return form(c, { values, codeRefreshed: true });
    const result = validate(RequestSchema, f);
    const code = await s.checkCode(c, 'request', f);
    if (!result.ok || !code.ok) {
      return form(c, { values, errors: { ...(result.ok ? {} : result.errors), ...code.errors } }, code.blocked ? 429 : 422);
    }
    // This client's own requests for this NUMIC: a stranger's requests never use up the owner's.
    const verdict = await s.limits.requestsPerAccountAndAddress.consume(result.data.numic, c.var.clientAddress);
    if (!verdict.allowed)
      return s.refuse(c, 'requests-per-account-address', verdict.retryAfterMs, [REQUEST.tooMany(verdict.retryAfterMs)], result.data.numic);
    // Same call, same answer whatever the match and whatever the account's state: the workflow decides later.
    await s.deps.renewals.requestRenewal({ kind, numic: result.data.numic, email: result.data.courriel });
    return redirectAfterPost(c, paths.confirmation);
  });

  app.get(paths.confirmation, (c) =>
    page(
      c,
      <MessagePage
        title={CONFIRMATION.title}
        body={[CONFIRMATION.alertTitle, ...CONFIRMATION.body(kind, s.delays.linkTtl)]}
        severity="success"
        actions={[{ label: SITE.backToLogin, href: PATHS.login, secondary: true }]}
        journey={{ kind, step: 2 }}
      />,
    ),
  );

  return app;
}
