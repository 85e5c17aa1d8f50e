/**
 * Screen 1: login against the registry, and the signed-in landing page. Nobody can lock a citizen
 * out: failures are counted per identifier *and* client address (that client is refused for a
 * while), and per identifier from anywhere only to ask for a security code as well, which the
 * owner solves and a distributed guesser must solve at every guess.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { LOGIN } from '../../copy/pages.js';
import { normaliseIdentifier } from '../../domain/identifier.js';
import { PATHS } from '../../domain/paths.js';
import { validate } from '../forms.js';
import { page, redirectAfterPost, type Status } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { AccountView } from '../views/account.js';
import { LoginView, type LoginViewProps } from '../views/login.js';

const LoginSchema = z.object({
  identifiant: z
    .string({ error: LOGIN.errors.identifierRequired })
    .trim()
    .min(1, { error: LOGIN.errors.identifierRequired })
    .max(40, { error: LOGIN.errors.failed }),
  motDePasse: z
    .string({ error: LOGIN.errors.passwordRequired })
    .min(1, { error: LOGIN.errors.passwordRequired })
    .max(200, { error: LOGIN.errors.failed }),
});

export function loginRoutes(s: Services) {
  const app = new Hono<AppEnv>();
  const { limits } = s;

  const form = async (c: Context<AppEnv>, props: Omit<LoginViewProps, 'csrfToken' | 'code'>, withCode = false, status: Status = 200) =>
    page(
      c,
      <LoginView csrfToken={c.var.csrfToken} {...props} code={withCode ? await s.codeFor(c, 'login') : undefined} codeTtl={s.codeTtl} />,
      status,
    );

  app.get(PATHS.home, (c) => c.redirect(PATHS.login, 302));
  app.get(PATHS.login, (c) => form(c, {}));

  app.post(PATHS.login, async (c) => {
    const typed = c.var.form.identifiant;
    const result = validate(LoginSchema, c.var.form);
    if (!result.ok) return form(c, { identifier: typed, errors: result.errors }, false, 422);
    const identifier = normaliseIdentifier(result.data.identifiant);
    const address = c.var.clientAddress;

    const thisClient = await limits.loginFailuresPerAccountAndAddress.reached(identifier, address);
    if (!thisClient.allowed)
      return s.refuse(
        c,
        'login-failures-per-account-address',
        thisClient.retryAfterMs,
        [LOGIN.tooMany(thisClient.retryAfterMs)],
        identifier,
      );
    const underAttack = !(await limits.loginFailuresPerAccount.reached(identifier)).allowed;
    if (underAttack) {
      s.audit(c, 'login-code-required', { account: identifier });
      const code = await s.checkCode(c, 'login', c.var.form);
      if (!code.ok) return form(c, { identifier: typed, errors: code.errors }, true, code.blocked ? 429 : 422);
    }

    const login = await s.deps.accounts.logIn(identifier, result.data.motDePasse);
    if (login.status === 'refused') {
      await Promise.all([
        limits.loginFailuresPerAccountAndAddress.consume(identifier, address),
        limits.loginFailuresPerAccount.consume(identifier),
      ]);
      s.audit(c, 'login-failed', { account: identifier });
      const nowUnderAttack = !(await limits.loginFailuresPerAccount.reached(identifier)).allowed;
      return form(c, { identifier: typed, failed: true }, nowUnderAttack, 401);
    }
    await limits.loginFailuresPerAccountAndAddress.reset(identifier, address);
    s.audit(c, 'login-succeeded', { account: identifier });
    const { accountId, credentials } = login;
    await c.var.startSession({ login: { accountId, identifier: login.identifier, credentials } }); // a new ID once authenticated
    return redirectAfterPost(c, PATHS.account);
  });

  app.get(PATHS.account, async (c) => {
    const login = c.var.session?.login;
    if (!login) return c.redirect(PATHS.login, 303);
    // The identifier or the password changed since: this session logged in with old credentials ends.
    if (!(await s.deps.accounts.stillValid(login))) {
      await c.var.endSession();
      return c.redirect(PATHS.login, 303);
    }
    return page(c, <AccountView identifier={login.identifier} csrfToken={c.var.csrfToken} />);
  });

  app.post(PATHS.logout, async (c) => {
    await c.var.endSession();
    return redirectAfterPost(c, PATHS.login);
  });

  return app;
}
