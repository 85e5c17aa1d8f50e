/**
 * Screens 5 and 6, for either kind: the page the email links to, and what the renewal changed.
 * Showing the link page is a query: a mail scanner, a link preview or the citizen opening it
 * changes nothing; only what the citizen submits counts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { LINK, NEW_IDENTIFIER, PASSWORD_SENT, SITE, deadLink } from '../../copy/pages.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import type { SubmissionOutcome } from '../../client/renewals.js';
import type { DeadLinkReason, LinkState, RenewalKind } from '../../workflows/definitions.js';
import { validate, wantsCodeRefresh, type FieldErrors } from '../forms.js';
import { page, redirectAfterPost, type Status } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { MessagePage } from '../views/layout.js';
import { NewIdentifierView, PasswordSentView, SECRET_FIELD, SecretView } from '../views/link.js';

const assertNever = (value: never): never => {
  throw new Error(`unhandled state ${JSON.stringify(value)}`);
};

export function linkRoutes(kind: RenewalKind, s: Services) {
  const app = new Hono<AppEnv>();
  const paths = RENEWAL_PATHS[kind];
  const route = `${paths.link}/:token`;
  const copy = LINK[kind];
  const linkState = (token: string): Promise<LinkState> => s.deps.renewals.linkState(kind, token);
  const linkOf = (token: string) => createHash('sha256').update(token).digest('base64url');
  /** This browser's in-doubt submission on this link, if it made one. */
  const pendingSubmission = (c: Context<AppEnv>, token: string) => {
    const submission = c.var.session?.submission;
    return submission?.kind === kind && submission.link === linkOf(token) ? submission : undefined;
  };
  const SecretSchema = z.object({
    [SECRET_FIELD]: z
      .string({ error: copy.secretRequired })
      .trim()
      .min(1, { error: copy.secretRequired })
      .max(kind === 'identifier' ? 200 : 40, { error: LINK.secretTooLong }),
  });

  function deadLinkPage(c: Context<AppEnv>, reason: DeadLinkReason) {
    const words = deadLink(kind, reason, s.delays);
    const status = reason === 'unknown' ? 404 : 410;
    return page(
      c,
      <MessagePage
        title={words.title}
        body={words.body}
        status={status}
        severity="warning"
        actions={[
          { label: SITE.startAgain, href: paths.request },
          { label: SITE.contactHelp, href: PATHS.help, secondary: true },
        ]}
        journey={{ kind }}
      />,
      status,
    );
  }

  /** Not an answer yet (503): come back to this page in a moment. */
  function comeBackPage(c: Context<AppEnv>, words: { title: string; body: string | string[]; reload: string }, retryAfterS: number) {
    c.header('Retry-After', String(retryAfterS));
    return page(
      c,
      <MessagePage
        title={words.title}
        body={words.body}
        status={503}
        severity="info"
        actions={[{ label: words.reload, href: c.req.path }]}
        journey={{ kind }}
      />,
      503,
    );
  }

  /** A link whose email is still being confirmed: not dead, not usable yet (come back in a minute). */
  const pendingPage = (c: Context<AppEnv>) =>
    comeBackPage(c, { title: LINK.pending.title, body: LINK.pending.body, reload: LINK.pending.reload }, 60);

  async function secretPage(
    c: Context<AppEnv>,
    state: LinkState,
    extra: { errors?: FieldErrors; codeRefreshed?: boolean } = {},
    status: Status = 200,
  ) {
    if (state.status === 'dead') return deadLinkPage(c, state.reason);
    if (state.status === 'pending') return pendingPage(c);
    return page(
      c,
      <SecretView
        kind={kind}
        action={c.req.path}
        csrfToken={c.var.csrfToken}
        code={await s.codeFor(c, 'link')}
        codeTtl={s.codeTtl}
        msLeft={Math.max(0, Date.parse(state.expiresAt) - s.clock())}
        attemptsLeft={state.attemptsLeft}
        {...extra}
      />,
      status,
    );
  }

  /**
   * The service did not answer a submission in time: it may still go through (Temporal slow, no
   * worker for a moment), so the citizen is asked not to submit again but to come back: the link
   * page then reads the outcome by the update's ID, kept in this browser's session.
   */
  const inProgressPage = (c: Context<AppEnv>) =>
    comeBackPage(c, { title: LINK.inProgress.title, body: LINK.inProgress.body, reload: LINK.inProgress.reload }, 10);

  /** What a submission came to, as the citizen sees it; `unknown` (it never ran): the link page as it is now. */
  async function outcomePage(c: Context<AppEnv>, token: string, outcome: Exclude<SubmissionOutcome, { status: 'in-doubt' }>) {
    switch (outcome.status) {
      case 'completed': {
        const { status: _completed, ...change } = outcome;
        await c.var.startSession({ done: change }); // a fresh session shows what changed (ASVS 3.2.1)
        return redirectAfterPost(c, paths.done);
      }
      case 'wrong-secret':
        return secretPage(c, await linkState(token), { errors: { [SECRET_FIELD]: copy.wrongSecret(outcome.attemptsLeft) } }, 422);
      case 'dead':
        return deadLinkPage(c, outcome.reason);
      case 'unknown':
        return secretPage(c, await linkState(token));
      default:
        return assertNever(outcome);
    }
  }

  app.get(route, async (c) => {
    const verdict = await s.limits.linkViewsPerAddress.consume(c.var.clientAddress);
    if (!verdict.allowed) return s.refuse(c, 'link-views-per-address', verdict.retryAfterMs);
    const token = c.req.param('token')!;
    const submission = pendingSubmission(c, token);
    if (!submission) return secretPage(c, await linkState(token));
    const outcome = await s.deps.renewals.submissionOutcome(token, submission.updateId);
    if (outcome.status === 'in-doubt') return inProgressPage(c); // the session keeps the submission
    await c.var.endSession(); // read back: this browser's submission is settled
    return outcomePage(c, token, outcome);
  });

  app.post(route, async (c) => {
    const token = c.req.param('token')!;
    const f = c.var.form;
    // A submission of this browser's on this link is still in doubt: read it, never submit twice.
    if (pendingSubmission(c, token)) return redirectAfterPost(c, c.req.path);
    if (wantsCodeRefresh(f)) return secretPage(c, await linkState(token), { codeRefreshed: true });

    const result = validate(SecretSchema, f);
    const code = await s.checkCode(c, 'link', f);
    if (!result.ok || !code.ok) {
      // A wrong code costs no attempt: the secret is not sent to the workflow.
      const errors = { ...(result.ok ? {} : result.errors), ...code.errors };
      return secretPage(c, await linkState(token), { errors }, code.blocked ? 429 : 422);
    }

    const updateId = randomUUID();
    const outcome = await s.deps.renewals.submitSecret(kind, token, result.data[SECRET_FIELD]!, updateId);
    if (outcome.status !== 'in-doubt') return outcomePage(c, token, outcome);
    await c.var.startSession({ submission: { kind, link: linkOf(token), updateId } }); // this browser reads it back
    return inProgressPage(c);
  });

  // Shown once: what changed is taken out of the session as it is read; a reload shows a notice instead.
  app.get(paths.done, async (c) => {
    const session = c.var.session;
    const done = session?.done;
    if (session && done) await c.var.saveSession({ ...session, done: undefined });
    if (done?.kind === 'identifier' && kind === 'identifier') return page(c, <NewIdentifierView identifier={done.identifier} />);
    if (done?.kind === 'password' && kind === 'password') return page(c, <PasswordSentView phoneEnding={done.phoneEnding} />);
    const gone =
      kind === 'identifier'
        ? { title: NEW_IDENTIFIER.goneTitle, body: NEW_IDENTIFIER.gone }
        : { title: PASSWORD_SENT.goneTitle, body: PASSWORD_SENT.gone };
    return page(
      c,
      <MessagePage
        title={gone.title}
        body={gone.body}
        status={410}
        actions={[
          { label: SITE.backToLogin, href: PATHS.login },
          { label: SITE.startAgain, href: paths.request, secondary: true },
        ]}
        journey={{ kind }}
      />,
      410,
    );
  });

  return app;
}
