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

/**
 * Screen 1, on DSFR's login page template (« layout/page/login »): the grey box, the form's
 * fieldset with its identifiers in a group of their own, a recovery link under each field, and a
 * single small alert for a refused identifier/password pair. Departures: no FranceConnect block
 * (this service does not offer it), the required-fields notice and the error summary that the
 * other forms have, and, instead of « Vous n'avez pas de compte ? », the way to the help desk.
 */
export function LoginView({ csrfToken, identifier, failed = false, errors = {}, code, codeTtl = '' }: LoginViewProps) {
  const credentialsInError = failed || errors.identifiant !== undefined || errors.motDePasse !== undefined;
  return (
    <Layout title={LOGIN.title} hasErrors={failed || hasErrors(errors)}>
      <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <div class="fr-container fr-background-alt--grey fr-px-md-0 fr-pt-10v fr-pt-md-14v fr-pb-6v fr-pb-md-10v">
            <div class="fr-grid-row fr-grid-row--gutters fr-grid-row--center">
              <div class="fr-col-12 fr-col-md-9 fr-col-lg-8">
                <h1 class="fr-h4">{LOGIN.title}</h1>
                <p class="fr-text--sm">{LOGIN.intro}</p>
                {failed ? null : (
                  <ErrorSummary
                    errors={errors}
                    labels={{ identifiant: LOGIN.identifier, motDePasse: LOGIN.password, [CODE_FIELD]: CODE.legend }}
                  />
                )}
                <Form action={PATHS.login} csrfToken={csrfToken} id="formulaire-connexion">
                  <fieldset class="fr-fieldset" id="connexion-fieldset" aria-labelledby="connexion-fieldset-legende">
                    <legend class="fr-fieldset__legend" id="connexion-fieldset-legende">
                      <h2 class="fr-h5">{LOGIN.formTitle}</h2>
                    </legend>
                    {failed ? (
                      <div class="fr-fieldset__element">
                        {/* The template's one alert for a refused pair: focused when it arrives, heard as an alert. */}
                        <div
                          class="fr-mb-2v fr-alert fr-alert--error fr-alert--sm"
                          role="alert"
                          tabindex={-1}
                          id="resume-erreurs"
                          autofocus
                          data-autofocus
                        >
                          <p>{LOGIN.errors.failed}</p>
                        </div>
                      </div>
                    ) : null}
                    <div class="fr-fieldset__element">
                      <RequiredNotice text={SITE.requiredNotice} />
                    </div>
                    <div class="fr-fieldset__element">
                      <fieldset
                        class={`fr-mb-n4v fr-fieldset${credentialsInError ? ' fr-fieldset--error' : ''}`}
                        id="identifiants"
                        role={credentialsInError ? 'group' : undefined}
                        aria-labelledby="identifiants-legende"
                      >
                        <legend class="fr-sr-only" id="identifiants-legende">
                          {LOGIN.credentials}
                        </legend>
                        <div class="fr-fieldset__element">
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
                          {/* As the template's « Mot de passe oublié ? » under the password: the same way out for the identifier. */}
                          <p>
                            <a class="fr-link" href={RENEWAL_PATHS.identifier.request}>
                              {LOGIN.lostIdentifier}
                            </a>
                          </p>
                        </div>
                        <div class="fr-fieldset__element">
                          <Field
                            name="motDePasse"
                            label={LOGIN.password}
                            type="password"
                            error={errors.motDePasse}
                            autocomplete="current-password"
                            maxlength={200}
                            recovery={{ label: LOGIN.lostPassword, href: RENEWAL_PATHS.password.request }}
                          />
                        </div>
                      </fieldset>
                    </div>
                    {code ? (
                      <div class="fr-fieldset__element">
                        <p class="fr-text--sm">{LOGIN.codeNeeded}</p>
                        <CodeField code={code} ttl={codeTtl} error={errors[CODE_FIELD]} />
                      </div>
                    ) : null}
                    <div class="fr-fieldset__element">
                      <ul class="fr-btns-group">
                        <li>
                          <button class="fr-mt-2v fr-btn form-submit" type="submit">
                            {LOGIN.submit}
                          </button>
                        </li>
                      </ul>
                    </div>
                  </fieldset>
                </Form>
                <hr />
                <h2 class="fr-h5">{LOGIN.needHelp}</h2>
                <ul class="fr-btns-group">
                  <li>
                    <a class="fr-btn fr-btn--secondary" href={PATHS.help}>
                      {SITE.contactHelp}
                    </a>
                  </li>
                </ul>
              </div>
            </div>
          </div>
        </div>
      </div>
    </Layout>
  );
}
