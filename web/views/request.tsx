import { CAPTCHA, REQUEST, SITE } from '../../copy/pages.js';
import type { CaptchaChallenge } from '../captcha.js';
import type { FieldErrors } from '../forms.js';
import { CAPTCHA_FIELD, CaptchaField, ErrorSummary, Field, Form, RequiredNotice } from './components.js';
import { Layout } from './layout.js';

export interface RequestViewProps {
  csrfToken: string;
  captcha: CaptchaChallenge;
  captchaTtl: string;
  values?: { numic?: string; email?: string };
  errors?: FieldErrors;
  captchaRefreshed?: boolean;
}

/** Screen 2: NUMIC, email and security code. */
export function RequestView(p: RequestViewProps) {
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  return (
    <Layout title={REQUEST.title} hasErrors={Object.keys(errors).length > 0}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{REQUEST.title}</h1>
          <p>{REQUEST.intro}</p>
          <div class="fr-callout fr-mb-4w">
            <p class="fr-callout__text fr-text--md">{REQUEST.passwordNote}</p>
          </div>
          <ErrorSummary errors={errors} labels={{ numic: REQUEST.numic, courriel: REQUEST.email, [CAPTCHA_FIELD]: CAPTCHA.legend }} />
          <Form action="/identifiant-perdu" csrfToken={p.csrfToken} id="formulaire-demande">
            <RequiredNotice text={SITE.requiredNotice} />
            <Field
              name="numic"
              label={REQUEST.numic}
              hint={REQUEST.numicHint}
              value={values.numic}
              error={errors.numic}
              autocomplete="off"
              autocapitalize="characters"
              spellcheck={false}
              maxlength={40}
            />
            <Field
              name="courriel"
              label={REQUEST.email}
              hint={REQUEST.emailHint}
              type="email"
              value={values.email}
              error={errors.courriel}
              autocomplete="email"
              spellcheck={false}
              maxlength={254}
            />
            <CaptchaField challenge={p.captcha} ttl={p.captchaTtl} error={errors[CAPTCHA_FIELD]} refreshed={p.captchaRefreshed} />
            <ul class="fr-btns-group fr-mt-2w">
              <li>
                <button class="fr-btn form-submit" type="submit">
                  {REQUEST.submit}
                </button>
              </li>
            </ul>
          </Form>
          <p>
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/connexion">
              {SITE.backToLogin}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
