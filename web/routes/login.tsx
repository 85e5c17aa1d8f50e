/** Screen 1: login against the registry, and the signed-in landing page. */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../../adapters/passwords.js';
import { normaliseIdentifier } from '../../domain/identifier.js';
import { LOGIN } from '../../copy/pages.js';
import { validate } from '../forms.js';
import { page, redirectAfterPost } from '../respond.js';
import type { Services } from '../services.js';
import type { AppEnv } from '../types.js';
import { AccountView } from '../views/account.js';
import { LoginView, type LoginViewProps } from '../views/login.js';

const LoginSchema = z.object({
  identifiant: z.string({ error: LOGIN.errors.identifierRequired }).trim().min(1, { error: LOGIN.errors.identifierRequired }),
  motDePasse: z
    .string({ error: LOGIN.errors.passwordRequired })
    .min(1, { error: LOGIN.errors.passwordRequired })
    .max(200, { error: LOGIN.errors.failed }),
});

export function loginRoutes({ deps, limits }: Services) {
  const app = new Hono<AppEnv>();
  // An unknown identifier still costs one argon2 verification: the answer time does not tell.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex')));

  const form = async (c: Context<AppEnv>, props: Omit<LoginViewProps, 'csrfToken'>, status: 200 | 401 | 422 = 200) => {
    const session = await c.var.ensureSession();
    return page(c, <LoginView csrfToken={session.csrfToken} {...props} />, status);
  };

  app.get('/', (c) => c.redirect('/connexion', 302));
  app.get('/connexion', (c) => form(c, {}));

  app.post(
    '/connexion',
    async (c, next) => {
      const result = validate(LoginSchema, c.var.form);
      if (!result.ok) return form(c, { identifier: c.var.form.identifiant, errors: result.errors }, 422);
      c.set('accountKey', normaliseIdentifier(result.data.identifiant));
      await next();
    },
    limits.perAccount('login', { failuresOnly: true }),
    async (c) => {
      const identifier = c.var.accountKey;
      const account = await deps.accounts.findByIdentifier(identifier);
      const valid = account
        ? await verifyPassword(account.passwordHash, c.var.form.motDePasse!)
        : (await verifyPassword(await decoy(), c.var.form.motDePasse!)) && false;
      if (!account || !valid) {
        deps.logger.info({ event: 'login-failed' }, 'login refused');
        return form(c, { identifier: c.var.form.identifiant, failed: true }, 401);
      }
      const session = await c.var.renewSession(); // a new ID once authenticated: no session fixation
      session.login = { identifier: account.identifier };
      return redirectAfterPost(c, '/espace');
    },
  );

  app.get('/espace', async (c) => {
    const session = c.var.session;
    if (!session?.login) return c.redirect('/connexion', 303);
    return page(c, <AccountView identifier={session.login.identifier} csrfToken={session.csrfToken} />);
  });

  app.post('/deconnexion', (c) => {
    c.var.endSession();
    return redirectAfterPost(c, '/connexion');
  });

  return app;
}
