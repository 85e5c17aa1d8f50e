import { CODE, LOGIN, SITE } from '../../copy/pages.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import { hasErrors, type FieldErrors } from '../forms.js';
import { CODE_FIELD, type CodeView } from '../services.js';
import { CodeField, ErrorSummary, Field, Form, RequiredNotice } from './components.js';
import { Layout } from './layout.js';

export interface LoginViewProps {
  csrfToken: string;
  identifier?: string;
  /** Login failures get one generic message, never which of the two was wrong. */
  failed?: boolean;
  errors?: FieldErrors;
  /** Shown when this identifier has had many failed logins lately (from anywhere). */
  code?: CodeView;
  codeTtl?: string;
}

/** Screen 1: identifier and password, the two recovery links, the help desk. */
export function LoginView({ csrfToken, identifier, failed = false, errors = {}, code, codeTtl = '' }: LoginViewProps) {
  return (
    <Layout title={LOGIN.title} hasErrors={failed || hasErrors(errors)}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <h1>{LOGIN.title}</h1>
          <p>{LOGIN.intro}</p>
          {failed ? (
            <div class="fr-alert fr-alert--error fr-mb-4w" role="alert" tabindex={-1} id="resume-erreurs" data-autofocus>
              <h2 class="fr-alert__title">{LOGIN.errors.failedTitle}</h2>
              <p>{LOGIN.errors.failed}</p>
            </div>
          ) : (
            <ErrorSummary
              errors={errors}
              labels={{ identifiant: LOGIN.identifier, motDePasse: LOGIN.password, [CODE_FIELD]: CODE.legend }}
            />
          )}
          <Form action={PATHS.login} csrfToken={csrfToken} id="formulaire-connexion">
            <RequiredNotice text={SITE.requiredNotice} />
            <Field
              name="identifiant"
              label={LOGIN.identifier}
              hint={LOGIN.identifierHint}
              value={identifier}
              error={errors.identifiant}
              autocomplete="username"
              autocapitalize="characters"
              spellcheck={false}
              maxlength={40}
            />
            <Field
              name="motDePasse"
              label={LOGIN.password}
              type="password"
              error={errors.motDePasse}
              autocomplete="current-password"
              maxlength={200}
            />
            <p class="fr-mb-1w">
              <a class="fr-link" href={RENEWAL_PATHS.identifier.request}>
                {LOGIN.lostIdentifier}
              </a>
            </p>
            <p>
              <a class="fr-link" href={RENEWAL_PATHS.password.request}>
                {LOGIN.lostPassword}
              </a>
            </p>
            {code ? (
              <>
                <p class="fr-text--sm">{LOGIN.codeNeeded}</p>
                <CodeField code={code} ttl={codeTtl} error={errors[CODE_FIELD]} />
              </>
            ) : null}
            <ul class="fr-btns-group">
              <li>
                <button class="fr-btn form-submit" type="submit">
                  {LOGIN.submit}
                </button>
              </li>
            </ul>
          </Form>
          <p class="fr-mt-4w">
            {LOGIN.needHelp}{' '}
            <a class="fr-link" href={PATHS.help}>
              {SITE.contactHelp}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
