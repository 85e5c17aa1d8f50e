import { LOGIN, SITE } from '../../copy/pages.js';
import type { FieldErrors } from '../forms.js';
import { ErrorSummary, Field, Form, RequiredNotice } from './components.js';
import { Layout } from './layout.js';

export interface LoginViewProps {
  csrfToken: string;
  identifier?: string;
  /** Login failures get one generic message, never which of the two was wrong. */
  failed?: boolean;
  errors?: FieldErrors;
}

export function LoginView({ csrfToken, identifier, failed = false, errors = {} }: LoginViewProps) {
  const hasErrors = failed || Object.keys(errors).length > 0;
  return (
    <Layout title={LOGIN.title} hasErrors={hasErrors}>
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
            <ErrorSummary errors={errors} labels={{ identifiant: LOGIN.identifier, motDePasse: LOGIN.password }} />
          )}
          <Form action="/connexion" csrfToken={csrfToken} id="formulaire-connexion">
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
            <p>
              <a class="fr-link" href="/identifiant-perdu">
                {LOGIN.lostIdentifier}
              </a>
            </p>
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
            <a class="fr-link" href="/aide">
              {SITE.contactHelp}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
