import { CODE, LINK, NEW_IDENTIFIER, PASSWORD_SENT, SITE } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import type { RenewalKind } from '../../workflows/definitions.js';
import { hasErrors, type FieldErrors } from '../forms.js';
import { CODE_FIELD, type CodeView } from '../services.js';
import { CodeField, ErrorSummary, Field, Form, RequiredNotice } from './components.js';
import { Layout, Stepper } from './layout.js';

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
 * Screen 5 (the renewal's step 3 of 4): the secret that authenticates this renewal (the password
 * received by SMS for a new identifier, the current identifier for a new password) and a security
 * code. The time left and the attempts left are plain text, read as the page is.
 */
export function SecretView(p: SecretViewProps) {
  const errors = p.errors ?? {};
  const copy = LINK[p.kind];
  return (
    <Layout title={copy.title} hasErrors={hasErrors(errors)} journey={{ kind: p.kind, step: 3 }}>
      <div class="fr-grid-row fr-grid-row--center">
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{copy.title}</h1>
          <Stepper kind={p.kind} step={3} />
          <p>{copy.intro}</p>
          {/*
           * DSFR's notice as its 1.15 template writes it: its text in a block of its own inside the
           * body (title, then description, there), a paragraph rather than the default h2 (this is no
           * heading), and no role (it is on the page from the start, not inserted later).
           */}
          <div class="fr-notice fr-notice--info fr-mb-4w">
            <div class="fr-container">
              <div class="fr-notice__body">
                <div>
                  <p class="fr-notice__title">
                    {LINK.deadline(p.msLeft)} {LINK.attempts(p.attemptsLeft)}
                  </p>
                </div>
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

/** Screen 6 of an identifier renewal (step 4 of 4): the new identifier, shown once. */
export function NewIdentifierView({ identifier }: { identifier: string }) {
  return (
    <Layout title={NEW_IDENTIFIER.title} journey={{ kind: 'identifier', step: 4 }}>
      <div class="fr-grid-row fr-grid-row--center" data-no-bfcache>
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{NEW_IDENTIFIER.title}</h1>
          <Stepper kind="identifier" step={4} />
          <div class="fr-alert fr-alert--success fr-mb-4w">
            <h2 class="fr-alert__title">{NEW_IDENTIFIER.alertTitle}</h2>
            <p id="nouvel-identifiant-libelle">{NEW_IDENTIFIER.label}</p>
          </div>
          <p class="identifier" id="nouvel-identifiant" aria-labelledby="nouvel-identifiant-libelle" data-testid="nouvel-identifiant">
            {identifier}
          </p>
          {/*
           * DSFR's copy button (fr-btn--copy) lives in its share component: an icon-only button that
           * copies the page's address and answers with alert(). Here a labelled button copies the
           * identifier; it is shown only where the clipboard can be written (enhance.js), and its
           * result is said in the role=status region below, present from the start so that screen
           * readers announce what enhance.js writes there.
           */}
          <p>
            <button
              type="button"
              class="fr-btn fr-btn--secondary fr-btn--icon-left fr-icon-clipboard-line"
              data-copy-target="nouvel-identifiant"
              data-copy-status="copie-statut"
              data-copied={NEW_IDENTIFIER.copied}
              data-copy-failed={NEW_IDENTIFIER.copyFailed}
              hidden
            >
              {NEW_IDENTIFIER.copy}
            </button>
          </p>
          <div class="fr-messages-group fr-mb-2w" role="status" id="copie-statut"></div>
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

/** Screen 6 of a password renewal (step 4 of 4): the password went by SMS, never on screen. */
export function PasswordSentView({ phoneEnding }: { phoneEnding: string }) {
  return (
    <Layout title={PASSWORD_SENT.title} journey={{ kind: 'password', step: 4 }}>
      <div class="fr-grid-row fr-grid-row--center" data-no-bfcache>
        <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>{PASSWORD_SENT.title}</h1>
          <Stepper kind="password" step={4} />
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
