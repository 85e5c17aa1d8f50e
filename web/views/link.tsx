import { CAPTCHA, LINK, NEW_IDENTIFIER, SITE } from '../../copy/pages.js';
import type { CaptchaChallenge } from '../captcha.js';
import type { FieldErrors } from '../forms.js';
import { CAPTCHA_FIELD, CaptchaField, ErrorSummary, Field, Form, RequiredNotice } from './components.js';
import { Layout } from './layout.js';

export interface PasswordViewProps {
  action: string;
  csrfToken: string;
  captcha: CaptchaChallenge;
  captchaTtl: string;
  minutesLeft: number;
  attemptsLeft: number;
  errors?: FieldErrors;
  captchaRefreshed?: boolean;
}

/** Screen 5: the password received by SMS and a fresh security code. */
export function PasswordView(p: PasswordViewProps) {
  const errors = p.errors ?? {};
  return (
    <Layout title={LINK.title} hasErrors={Object.keys(errors).length > 0}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{LINK.title}</h1>
          <p>{LINK.intro}</p>
          <div class="fr-notice fr-notice--info fr-mb-4w">
            <div class="fr-container">
              <div class="fr-notice__body">
                <p class="fr-notice__title">
                  {LINK.deadline(p.minutesLeft)} {LINK.attempts(p.attemptsLeft)}
                </p>
              </div>
            </div>
          </div>
          <ErrorSummary errors={errors} labels={{ motDePasse: LINK.password, [CAPTCHA_FIELD]: CAPTCHA.legend }} />
          <Form action={p.action} csrfToken={p.csrfToken} id="formulaire-mot-de-passe">
            <RequiredNotice text={SITE.requiredNotice} />
            <Field
              name="motDePasse"
              label={LINK.password}
              hint={LINK.passwordHint}
              type="password"
              error={errors.motDePasse}
              autocomplete="current-password"
              maxlength={200}
            />
            <CaptchaField challenge={p.captcha} ttl={p.captchaTtl} error={errors[CAPTCHA_FIELD]} refreshed={p.captchaRefreshed} />
            <ul class="fr-btns-group fr-mt-2w">
              <li>
                <button class="fr-btn form-submit" type="submit">
                  {LINK.submit}
                </button>
              </li>
            </ul>
          </Form>
        </div>
      </div>
    </Layout>
  );
}

/** Screen 6: the new identifier, shown once. */
export function NewIdentifierView({ identifier }: { identifier: string }) {
  return (
    <Layout title={NEW_IDENTIFIER.title}>
      <div class="fr-grid-row fr-grid-row--center" data-no-bfcache>
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{NEW_IDENTIFIER.title}</h1>
          <div class="fr-alert fr-alert--success fr-mb-4w">
            <h2 class="fr-alert__title">{NEW_IDENTIFIER.alertTitle}</h2>
          </div>
          <p id="nouvel-identifiant-libelle">{NEW_IDENTIFIER.label}</p>
          <p class="identifier" id="nouvel-identifiant" aria-labelledby="nouvel-identifiant-libelle" data-testid="nouvel-identifiant">
            {identifier}
          </p>
          <p>
            <button
              type="button"
              class="fr-btn fr-btn--secondary fr-btn--icon-left fr-icon-clipboard-line"
              data-copy-target="nouvel-identifiant"
              data-copied={NEW_IDENTIFIER.copied}
              data-copy-failed={NEW_IDENTIFIER.copyFailed}
              hidden
            >
              {NEW_IDENTIFIER.copy}
            </button>
          </p>
          <p class="fr-message fr-message--valid" role="status" id="copie-statut"></p>
          {NEW_IDENTIFIER.advice.map((line) => (
            <p>{line}</p>
          ))}
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href="/connexion">
                {NEW_IDENTIFIER.login}
              </a>
            </li>
          </ul>
        </div>
      </div>
    </Layout>
  );
}
