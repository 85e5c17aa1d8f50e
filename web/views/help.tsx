import { CODE, HELP, SITE } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import { hasErrors, type FieldErrors } from '../forms.js';
import { CODE_FIELD, type CodeView } from '../services.js';
import { CodeField, ErrorSummary, Field, Form, RequiredNotice } from './components.js';
import { Layout } from './layout.js';

export interface HelpValues {
  nom?: string;
  courriel?: string;
  numic?: string;
  message?: string;
}

export interface HelpViewProps {
  csrfToken: string;
  code: CodeView;
  codeTtl: string;
  values?: HelpValues;
  errors?: FieldErrors;
  codeRefreshed?: boolean;
  sendFailed?: boolean;
  /** The help desk's address: the way in for who can use neither version of the form's security code (RGAA 1.5). */
  helpdeskEmail?: string;
}

/** The AIDE page: a few answers, then the contact form that emails the help desk. */
export function HelpView(p: HelpViewProps) {
  const errors = p.errors ?? {};
  const values = p.values ?? {};
  return (
    <Layout title={HELP.title} hasErrors={hasErrors(errors) || p.sendFailed}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{HELP.title}</h1>
          <p>{HELP.intro}</p>
          {HELP.faq.map((item) => (
            <section class="fr-mb-3w">
              <h2 class="fr-h5">{item.question}</h2>
              <p>{item.answer}</p>
            </section>
          ))}
          <section class="fr-mb-3w" id="accessibilite">
            <h2 class="fr-h5">{HELP.accessibilityTitle}</h2>
            <p>{HELP.accessibility}</p>
            <p>
              <a class="fr-link" href={PATHS.accessibility}>
                {HELP.accessibilityLink}
              </a>
            </p>
          </section>
          <h2 id="contact">{HELP.formTitle}</h2>
          {p.helpdeskEmail ? (
            <p>
              {HELP.directContact}{' '}
              <a class="fr-link" href={`mailto:${p.helpdeskEmail}`}>
                {p.helpdeskEmail}
              </a>
            </p>
          ) : null}
          {p.sendFailed ? (
            <div class="fr-alert fr-alert--error fr-mb-4w" role="alert" tabindex={-1} data-autofocus>
              <h3 class="fr-alert__title">{HELP.sendFailedTitle}</h3>
              <p>{HELP.sendFailed}</p>
            </div>
          ) : null}
          <ErrorSummary
            errors={errors}
            labels={{ nom: HELP.name, courriel: HELP.email, numic: HELP.numic, message: HELP.message, [CODE_FIELD]: CODE.legend }}
          />
          <Form action={PATHS.help} csrfToken={p.csrfToken} id="formulaire-aide">
            <RequiredNotice text={SITE.requiredNotice} />
            <Field name="nom" label={HELP.name} value={values.nom} error={errors.nom} autocomplete="name" maxlength={120} />
            <Field
              name="courriel"
              label={HELP.email}
              hint={HELP.emailHint}
              type="email"
              value={values.courriel}
              error={errors.courriel}
              autocomplete="email"
              spellcheck={false}
              maxlength={254}
            />
            <Field
              name="numic"
              label={HELP.numic}
              hint={HELP.numicHint}
              optional={SITE.optional}
              value={values.numic}
              error={errors.numic}
              autocomplete="off"
              spellcheck={false}
              maxlength={40}
            />
            <Field
              name="message"
              label={HELP.message}
              hint={HELP.messageHint}
              value={values.message}
              error={errors.message}
              multiline
              maxlength={2000}
            />
            <CodeField code={p.code} ttl={p.codeTtl} error={errors[CODE_FIELD]} refreshed={p.codeRefreshed} />
            <ul class="fr-btns-group fr-btns-group--icon-left fr-mt-2w">
              <li>
                <button class="fr-btn fr-btn--icon-left fr-icon-mail-line form-submit" type="submit">
                  {HELP.submit}
                </button>
              </li>
            </ul>
          </Form>
        </div>
      </div>
    </Layout>
  );
}
