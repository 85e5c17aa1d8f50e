import { CODE, LINK, NEW_IDENTIFIER, PASSWORD_SENT, SITE } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import type { RenewalKind } from '../../workflows/definitions.js';
import { hasErrors, type FieldErrors } from '../forms.js';
import { CODE_FIELD, type CodeView } from '../services.js';
import { CodeField, ErrorSummary, Field, Form, RequiredNotice } from './components.js';
import { Layout } from './layout.js';

export const SECRET_FIELD = 'secret';

export interface SecretViewProps {
  kind: RenewalKind;
  action: string;
  csrfToken: string;
  code: CodeView;
  codeTtl: string;
  msLeft: number;
  attemptsLeft: number;
  errors?: FieldErrors;
  codeRefreshed?: boolean;
}

/**
 * Screen 5: the secret that authenticates this renewal (the password received by SMS for a new
 * identifier, the current identifier for a new password) and a security code.
 */
export function SecretView(p: SecretViewProps) {
  const errors = p.errors ?? {};
  const copy = LINK[p.kind];
  return (
    <Layout title={copy.title} hasErrors={hasErrors(errors)}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{copy.title}</h1>
          <p>{copy.intro}</p>
          <div class="fr-notice fr-notice--info fr-mb-4w">
            <div class="fr-container">
              <div class="fr-notice__body">
                <p class="fr-notice__title">
                  {LINK.deadline(p.msLeft)} {LINK.attempts(p.attemptsLeft)}
                </p>
              </div>
            </div>
          </div>
          <ErrorSummary errors={errors} labels={{ [SECRET_FIELD]: copy.secret, [CODE_FIELD]: CODE.legend }} />
          <Form action={p.action} csrfToken={p.csrfToken} id="formulaire-confirmation">
            <RequiredNotice text={SITE.requiredNotice} />
            {p.kind === 'identifier' ? (
              <Field
                name={SECRET_FIELD}
                label={copy.secret}
                hint={copy.secretHint}
                type="password"
                error={errors[SECRET_FIELD]}
                autocomplete="current-password"
                maxlength={200}
              />
            ) : (
              <Field
                name={SECRET_FIELD}
                label={copy.secret}
                hint={copy.secretHint}
                error={errors[SECRET_FIELD]}
                autocomplete="username"
                autocapitalize="characters"
                spellcheck={false}
                maxlength={40}
              />
            )}
            <CodeField code={p.code} ttl={p.codeTtl} error={errors[CODE_FIELD]} refreshed={p.codeRefreshed} />
            <ul class="fr-btns-group fr-mt-2w">
              <li>
                <button class="fr-btn form-submit" type="submit">
                  {copy.submit}
                </button>
              </li>
            </ul>
          </Form>
        </div>
      </div>
    </Layout>
  );
}

/** Screen 6 of an identifier renewal: the new identifier, shown once. */
export function NewIdentifierView({ identifier }: { identifier: string }) {
  return (
    <Layout title={NEW_IDENTIFIER.title}>
      <div class="fr-grid-row fr-grid-row--center" data-no-bfcache>
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{NEW_IDENTIFIER.title}</h1>
          <div class="fr-alert fr-alert--success fr-mb-4w">
            <h2 class="fr-alert__title">{NEW_IDENTIFIER.alertTitle}</h2>
            <p id="nouvel-identifiant-libelle">{NEW_IDENTIFIER.label}</p>
          </div>
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
              <a class="fr-btn" href={PATHS.login}>
                {NEW_IDENTIFIER.login}
              </a>
            </li>
          </ul>
        </div>
      </div>
    </Layout>
  );
}

/** Screen 6 of a password renewal: the password went by SMS, never on screen. */
export function PasswordSentView({ phoneEnding }: { phoneEnding: string }) {
  return (
    <Layout title={PASSWORD_SENT.title}>
      <div class="fr-grid-row fr-grid-row--center" data-no-bfcache>
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{PASSWORD_SENT.title}</h1>
          <div class="fr-alert fr-alert--success fr-mb-4w">
            <h2 class="fr-alert__title">{PASSWORD_SENT.alertTitle}</h2>
            <p data-testid="sms-destinataire">{PASSWORD_SENT.sentTo(phoneEnding)}</p>
          </div>
          {PASSWORD_SENT.advice.map((line) => (
            <p>{line}</p>
          ))}
          <ul class="fr-btns-group fr-btns-group--inline-md">
            <li>
              <a class="fr-btn" href={PATHS.login}>
                {PASSWORD_SENT.login}
              </a>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href={PATHS.help}>
                {SITE.contactHelp}
              </a>
            </li>
          </ul>
        </div>
      </div>
    </Layout>
  );
}
