/** Screens 5 and 6: the page the email links to, and the new identifier shown once. */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { LINK_PATH } from '../../domain/renewal-link.js';
import { LINK, NEW_IDENTIFIER, SITE, deadLink } from '../../copy/pages.js';
import type { DeadLinkReason, OpenLinkResult } from '../../workflows/definitions.js';
import { checkCaptcha } from '../captcha-check.js';
import { validate, wantsCaptchaRefresh, type FieldErrors } from '../forms.js';
import { page, redirectAfterPost } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { MessagePage } from '../views/layout.js';
import { NewIdentifierView, PasswordView } from '../views/link.js';
import { REQUEST_PATH } from './request.js';

export const NEW_IDENTIFIER_PATH = '/identifiant-perdu/nouvel-identifiant';

const PasswordSchema = z.object({
  motDePasse: z
    .string({ error: LINK.errors.passwordRequired })
    .min(1, { error: LINK.errors.passwordRequired })
    .max(200, { error: LINK.errors.passwordTooLong }),
});

const assertNever = (value: never): never => {
  throw new Error(`unhandled state ${JSON.stringify(value)}`);
};

export function linkRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  const route = `${LINK_PATH}:token`;

  function deadLinkPage(c: Context<AppEnv>, reason: DeadLinkReason) {
    const copy = deadLink(reason, s.delays);
    return page(
      c,
      <MessagePage
        title={copy.title}
        body={copy.body}
        status={reason === 'unknown' ? 404 : 410}
        severity="warning"
        actions={[
          { label: SITE.startAgain, href: REQUEST_PATH },
          { label: SITE.contactHelp, href: '/aide', secondary: true },
        ]}
      />,
      reason === 'unknown' ? 404 : 410,
    );
  }

  async function passwordPage(
    c: Context<AppEnv>,
    state: OpenLinkResult,
    extra: { errors?: FieldErrors; captchaRefreshed?: boolean; attemptsLeft?: number } = {},
  ) {
    if (state.status === 'dead') return deadLinkPage(c, state.reason);
    const session = await c.var.ensureSession();
    const minutesLeft = Math.max(1, Math.ceil((Date.parse(state.passwordDeadline) - s.clock()) / 60_000));
    const hasErrors = extra.errors && Object.keys(extra.errors).length > 0;
    return page(
      c,
      <PasswordView
        action={c.req.path}
        csrfToken={session.csrfToken}
        captcha={s.captchas.issue(session.id, 'link')}
        captchaTtl={s.captchaTtl}
        minutesLeft={minutesLeft}
        attemptsLeft={extra.attemptsLeft ?? state.attemptsLeft}
        errors={extra.errors}
        captchaRefreshed={extra.captchaRefreshed}
      />,
      hasErrors ? 422 : 200,
    );
  }

  app.get(route, async (c) => passwordPage(c, await s.deps.renewals.openLink(c.req.param('token'))));

  app.post(route, async (c) => {
    const token = c.req.param('token');
    const f = c.var.form;
    // Opening again is harmless (the workflow answers the same state) and says whether the link lives.
    if (wantsCaptchaRefresh(f)) return passwordPage(c, await s.deps.renewals.openLink(token), { captchaRefreshed: true });

    const result = validate(PasswordSchema, f);
    const captcha = checkCaptcha(s.captchas, c.var.session!.id, 'link', f);
    if (!result.ok || !captcha.ok) {
      // A wrong code costs no password attempt: the password is not sent to the workflow.
      const errors = { ...(result.ok ? {} : result.errors), ...captcha.errors };
      return passwordPage(c, await s.deps.renewals.openLink(token), { errors });
    }

    const outcome = await s.deps.renewals.submitPassword(token, result.data.motDePasse);
    switch (outcome.status) {
      case 'completed':
        c.var.session!.identifierFlash = outcome.identifier;
        return redirectAfterPost(c, NEW_IDENTIFIER_PATH);
      case 'wrong-password':
        return passwordPage(c, await s.deps.renewals.openLink(token), {
          errors: { motDePasse: LINK.errors.wrongPassword(outcome.attemptsLeft) },
          attemptsLeft: outcome.attemptsLeft,
        });
      case 'dead':
        return deadLinkPage(c, outcome.reason);
      default:
        return assertNever(outcome);
    }
  });

  // Shown once: the flash is deleted as it is read, so a reload or a return shows the notice instead.
  app.get(NEW_IDENTIFIER_PATH, (c) => {
    const session = c.var.session;
    const identifier = session?.identifierFlash;
    if (session) delete session.identifierFlash;
    if (!identifier) {
      return page(
        c,
        <MessagePage
          title={NEW_IDENTIFIER.goneTitle}
          body={NEW_IDENTIFIER.gone}
          status={410}
          actions={[
            { label: SITE.backToLogin, href: '/connexion' },
            { label: SITE.startAgain, href: REQUEST_PATH, secondary: true },
          ]}
        />,
        410,
      );
    }
    return page(c, <NewIdentifierView identifier={identifier} />);
  });

  return app;
}
