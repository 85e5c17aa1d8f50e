import type { Child } from 'hono/jsx';
import { CODE, FORM } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import { CODE_IMAGE_HEIGHT, CODE_IMAGE_WIDTH } from '../captcha/image.js';
import { ACTION_FIELD, REFRESH_CODE, type FieldErrors } from '../forms.js';
import { CSRF_FIELD } from '../middleware/csrf/index.js';
import { CODE_FIELD, type CodeView } from '../services.js';

/** Where the error summary links to: each field's input id. */
export type FieldLabels = Record<string, string>;

/**
 * A form that works as a plain POST and, with htmx, posts in the background and swaps only the
 * page's main content (inline errors without a reload).
 */
export function Form(props: { action: string; csrfToken: string; id: string; children: Child; label?: string }) {
  return (
    <form
      id={props.id}
      method="post"
      action={props.action}
      novalidate
      hx-post={props.action}
      hx-target="#contenu"
      hx-select="#contenu"
      hx-swap="outerHTML"
      hx-disabled-elt="find .form-submit"
      aria-label={props.label}
    >
      <input type="hidden" name={CSRF_FIELD} value={props.csrfToken} />
      {props.children}
    </form>
  );
}

/**
 * The error summary. DSFR has no component of its own for it: this is its error alert holding one
 * link per error to its field (enhance.js focuses the field and shows its label). It is focused when
 * it arrives: by enhance.js after an htmx swap, by `autofocus` on a full page load without JavaScript.
 */
export function ErrorSummary({ errors, labels }: { errors: FieldErrors; labels: FieldLabels }) {
  const entries = Object.entries(errors).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (entries.length === 0) return null;
  return (
    <div class="fr-alert fr-alert--error fr-mb-4w" role="alert" tabindex={-1} id="resume-erreurs" autofocus data-autofocus>
      <h2 class="fr-alert__title">{FORM.errorSummaryTitle(entries.length)}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${field}`}>{labels[field] ? `${labels[field]} : ${message}` : message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string;
  type?: 'text' | 'email' | 'password';
  autocomplete?: string;
  inputmode?: 'text' | 'numeric' | 'email';
  spellcheck?: boolean;
  maxlength?: number;
  autocapitalize?: 'off' | 'characters';
  optional?: string;
  /** Extra text read with the field (e.g. "a new code is shown"), not shown on screen. */
  srNote?: string;
  autofocus?: boolean;
  multiline?: boolean;
  /** A password field's way out, inside DSFR's password component (« Mot de passe perdu ou non reçu ? »). */
  recovery?: { label: string; href: string };
}

/**
 * A DSFR input group, or DSFR's password component for a password; hint and error are tied to the
 * input by aria-describedby. The error state is the group's (fr-input-group--error): DSFR styles
 * no fr-input--error outside its search bar.
 */
export function Field(p: FieldProps) {
  if (p.type === 'password') return <PasswordField {...p} />;
  const hintId = `${p.name}-aide`;
  const messagesId = `${p.name}-messages`;
  const noteId = `${p.name}-note`;
  const describedBy = [p.hint ? hintId : '', messagesId, p.srNote ? noteId : ''].filter(Boolean).join(' ');
  // Attribute values as HTML writes them (spellcheck="false", not a boolean that would be dropped).
  const common: Record<string, string | number | boolean | undefined> = {
    id: p.name,
    name: p.name,
    'aria-describedby': describedBy,
    'aria-invalid': p.error ? 'true' : undefined,
    'aria-required': p.optional ? undefined : 'true',
    autocomplete: p.autocomplete,
    spellcheck: p.spellcheck === undefined ? undefined : p.spellcheck ? 'true' : 'false',
    maxlength: p.maxlength,
    'data-autofocus': p.autofocus ? true : undefined,
  };
  return (
    <div class={`fr-input-group${p.error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={p.name}>
        {p.label}
        {p.optional ? ` ${p.optional}` : ''}
        {p.hint ? (
          <span class="fr-hint-text" id={hintId}>
            {p.hint}
          </span>
        ) : null}
      </label>
      {p.multiline ? (
        <textarea class="fr-input" rows={6} {...common}>
          {p.value ?? ''}
        </textarea>
      ) : (
        <input
          class="fr-input"
          type={p.type ?? 'text'}
          value={p.value}
          inputmode={p.inputmode}
          autocapitalize={p.autocapitalize}
          {...common}
        />
      )}
      {p.srNote ? (
        <span class="fr-sr-only" id={noteId}>
          {p.srNote}
        </span>
      ) : null}
      <div class="fr-messages-group" id={messagesId} aria-live="polite">
        {p.error ? (
          <p class="fr-message fr-message--error" id={`${p.name}-erreur`}>
            {p.error}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/**
 * The security code: the picture (a PNG: no structure to read the digits from), its spoken version
 * (an audio player that needs no JavaScript, and a plain link to the file), a way to the help desk
 * for who can neither see nor hear it, a button for another code, and the 4-digit input. The
 * refresh button posts the whole form without JavaScript; with htmx it swaps this block only.
 */
export function CodeField(props: { code: CodeView; ttl: string; error?: string; refreshed?: boolean }) {
  const { code, error, refreshed } = props;
  const blockId = `code-securite-${code.purpose}`;
  if ('blockedMs' in code) {
    return (
      <fieldset class="fr-fieldset captcha" id={blockId} aria-labelledby={`${blockId}-legende`}>
        <legend class="fr-fieldset__legend" id={`${blockId}-legende`}>
          {CODE.legend}
        </legend>
        <div class="fr-fieldset__element">
          <div class="fr-alert fr-alert--warning" role="alert">
            <h3 class="fr-alert__title">{CODE.tooManyTitle}</h3>
            <p>{CODE.tooMany(code.blockedMs)}</p>
          </div>
        </div>
      </fieldset>
    );
  }
  return (
    <fieldset class="fr-fieldset captcha" id={blockId} aria-labelledby={`${blockId}-legende`}>
      <legend class="fr-fieldset__legend" id={`${blockId}-legende`}>
        {CODE.legend}
      </legend>
      <div class="fr-fieldset__element">
        <img class="captcha__image" src={code.imageDataUrl} alt={CODE.imageAlt} width={CODE_IMAGE_WIDTH} height={CODE_IMAGE_HEIGHT} />
        <div class="captcha__audio fr-mt-1w">
          <p class="fr-mb-1v" id={`${blockId}-audio`}>
            {CODE.audioTitle}
          </p>
          <audio
            controls
            preload="none"
            src={code.audioUrl}
            aria-labelledby={`${blockId}-audio`}
            aria-describedby={`${blockId}-audio-aide`}
          >
            <a href={code.audioUrl}>{CODE.audioLink}</a>
          </audio>
          <p class="fr-hint-text fr-mb-1v" id={`${blockId}-audio-aide`}>
            {CODE.audioHint}
          </p>
          <p class="fr-mb-1w">
            <a class="fr-link fr-link--sm" href={code.audioUrl} download="code-securite.wav">
              {CODE.audioLink}
            </a>
          </p>
        </div>
        <button
          type="submit"
          name={ACTION_FIELD}
          value={REFRESH_CODE}
          formnovalidate
          class="fr-btn fr-btn--tertiary fr-btn--sm fr-btn--icon-left fr-icon-refresh-line fr-mt-1w"
          hx-post={`${PATHS.captcha}/${code.purpose}`}
          hx-target={`#${blockId}`}
          hx-select={`#${blockId}`}
          hx-swap="outerHTML"
        >
          {CODE.refresh}
        </button>
        <p class="fr-text--sm fr-mt-1w">
          {CODE.noCodeHelp}{' '}
          <a class="fr-link fr-link--sm" href={`${PATHS.help}#contact`}>
            {CODE.noCodeHelpLink}
          </a>
        </p>
      </div>
      <div class="fr-fieldset__element">
        <Field
          name={CODE_FIELD}
          label={CODE.label}
          hint={CODE.hint(props.ttl)}
          error={error}
          inputmode="numeric"
          autocomplete="off"
          maxlength={4}
          spellcheck={false}
          srNote={refreshed ? CODE.refreshed : undefined}
          autofocus={refreshed}
        />
      </div>
    </fieldset>
  );
}

/**
 * DSFR's password component (« fr-password ») with its « Afficher » box, which DSFR's script turns
 * into a show/hide toggle. Departures: the box is hidden until that script runs (app.css), since
 * without it the box would do nothing; an error uses DSFR's input-group error state, as the other
 * fields do (the component has none of its own); spellcheck is off, so a shown password is never
 * sent to a spelling service.
 */
function PasswordField(p: FieldProps) {
  const hintId = `${p.name}-aide`;
  const messagesId = `${p.name}-messages`;
  const describedBy = [p.hint ? hintId : '', messagesId].filter(Boolean).join(' ');
  // As HTML writes them (autocorrect is Safari's, not in the JSX types; spellcheck="false", not a boolean that would be dropped).
  const extra: Record<string, string | number | undefined> = { autocorrect: 'off', spellcheck: 'false', maxlength: p.maxlength };
  return (
    <div class={`fr-password${p.error ? ' fr-input-group--error' : ''}`} id={`${p.name}-groupe`}>
      <label class="fr-password__label fr-label" for={p.name}>
        {p.label}
        {p.hint ? (
          <span class="fr-hint-text" id={hintId}>
            {p.hint}
          </span>
        ) : null}
      </label>
      <div class="fr-input-wrap">
        <input
          class="fr-password__input fr-input"
          type="password"
          id={p.name}
          name={p.name}
          autocomplete={p.autocomplete}
          autocapitalize="off"
          aria-describedby={describedBy}
          aria-invalid={p.error ? 'true' : undefined}
          aria-required="true"
          {...extra}
        />
      </div>
      <div class="fr-messages-group" id={messagesId} aria-live="polite">
        {p.error ? (
          <p class="fr-message fr-message--error" id={`${p.name}-erreur`}>
            {p.error}
          </p>
        ) : null}
      </div>
      <div class="fr-password__checkbox fr-checkbox-group fr-checkbox-group--sm">
        {/* DSFR's label also carries « fr--password__checkbox », a class no stylesheet defines: left out. */}
        <input aria-label={FORM.showPasswordLabel} id={`${p.name}-afficher`} type="checkbox" />
        <label class="fr-label" for={`${p.name}-afficher`}>
          {FORM.showPassword}
        </label>
      </div>
      {p.recovery ? (
        <p>
          <a class="fr-link" href={p.recovery.href}>
            {p.recovery.label}
          </a>
        </p>
      ) : null}
    </div>
  );
}

export function RequiredNotice({ text }: { text: string }) {
  return <p class="fr-hint-text fr-mb-2w">{text}</p>;
}
