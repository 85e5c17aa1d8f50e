import { CODE, REQUEST, SITE } from '../../copy/pages.js';
import { PATHS, RENEWAL_PATHS } from '../../domain/paths.js';
import type { RenewalKind } from '../../workflows/definitions.js';
import { hasErrors, type FieldErrors } from '../forms.js';
import { CODE_FIELD, type CodeView } from '../services.js';
import { CodeField, ErrorSummary, Field, Form, RequiredNotice } from './components.js';
import { Layout, Stepper } from './layout.js';

export interface RequestViewProps {
  kind: RenewalKind;
  csrfToken: string;
  code: CodeView;
  codeTtl: string;
  values?: { numic?: string; email?: string };
  errors?: FieldErrors;
  codeRefreshed?: boolean;
}

/** Screen 2 (the renewal's step 1 of 4): NUMIC, email and security code, for either kind of renewal. */
export function RequestView(p: RequestViewProps) {
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  const copy = REQUEST[p.kind];
  return (
    <Layout title={copy.title} hasErrors={hasErrors(errors)} journey={{ kind: p.kind, step: 1 }}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{copy.title}</h1>
          <Stepper kind={p.kind} step={1} />
          <p>{copy.intro}</p>
          <div class="fr-callout fr-mb-4w">
            <p class="fr-callout__text fr-text--md">{copy.ruleNote}</p>
          </div>
          <ErrorSummary errors={errors} labels={{ numic: REQUEST.numic, courriel: REQUEST.email, [CODE_FIELD]: CODE.legend }} />
          <Form action={RENEWAL_PATHS[p.kind].request} csrfToken={p.csrfToken} id="formulaire-demande">
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
            <CodeField code={p.code} ttl={p.codeTtl} error={errors[CODE_FIELD]} refreshed={p.codeRefreshed} />
            <ul class="fr-btns-group fr-mt-2w">
              <li>
                <button class="fr-btn form-submit" type="submit">
                  {copy.submit}
                </button>
              </li>
            </ul>
          </Form>
          <p>
            <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={PATHS.login}>
              {SITE.backToLogin}
            </a>
          </p>
        </div>
      </div>
    </Layout>
  );
}
