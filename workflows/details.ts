/**
 * The words an operator reads in the Temporal UI: the run's current details, in French, saying
 * where the renewal waits and until when. Pure and deterministic: runs inside the workflow sandbox.
 */
import type { RenewalKind, RenewalOutcome } from './definitions.js';
import type { RenewalState } from './renewal-state.js';

const parisTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** "27/11 à 14:05" in Paris time. */
export function formatParisTime(epochMs: number): string {
  const parts = Object.fromEntries(parisTime.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month} à ${parts.hour}:${parts.minute}`;
}

/** "Renouvellement d’identifiant", "Renouvellement de mot de passe". */
const OF_KIND: Record<RenewalKind, string> = { identifier: 'd’identifiant', password: 'de mot de passe' };

const OUTCOME_WORDS: Record<RenewalKind, Record<RenewalOutcome, string>> = {
  identifier: {
    'no-match': 'aucun compte ne correspond au NUMIC et au courriel saisis ; rien n’a été envoyé',
    expired: 'le lien a expiré sans être utilisé',
    locked: 'trop de mots de passe erronés : renouvellement bloqué, usager prévenu par courriel et SMS',
    cancelled: 'annulé par un opérateur',
    completed: 'nouvel identifiant attribué, usager notifié par courriel et SMS',
  },
  password: {
    'no-match': 'aucun compte ne correspond au NUMIC et au courriel saisis ; rien n’a été envoyé',
    expired: 'le lien a expiré sans être utilisé',
    locked: 'trop d’identifiants erronés : renouvellement bloqué, usager prévenu par courriel et SMS',
    cancelled: 'annulé par un opérateur',
    completed: 'nouveau mot de passe envoyé par SMS, usager notifié par courriel',
  },
};

export interface DetailsContext {
  /** The current link's expiry while waiting for it. */
  linkExpiresAt?: number;
  attemptsLeft?: number;
  /** New renewals refused until then (the lasting bound on wrong secrets). */
  refusedUntil?: number;
}

export function describeState(state: RenewalState, context: DetailsContext = {}): string {
  const kind = OF_KIND[state.kind];
  switch (state.stage) {
    case 'looking-up':
      return `Renouvellement ${kind} : recherche du compte dans le registre`;
    case 'waiting-for-link': {
      const until = context.linkExpiresAt === undefined ? '' : ` jusqu’au ${formatParisTime(context.linkExpiresAt)} (heure de Paris)`;
      const attempts = context.attemptsLeft === undefined ? '' : ` ; ${context.attemptsLeft} essai(s) restant(s)`;
      return `Renouvellement ${kind} : lien envoyé par courriel, en attente de l’usager${until}${attempts}`;
    }
    case 'changing':
      return state.kind === 'identifier'
        ? 'Renouvellement d’identifiant : attribution du nouvel identifiant'
        : 'Renouvellement de mot de passe : enregistrement du nouveau mot de passe';
    case 'notifying':
      return state.kind === 'identifier'
        ? 'Renouvellement d’identifiant : envoi des avis (courriel et SMS)'
        : 'Renouvellement de mot de passe : envoi du mot de passe par SMS et de l’avis par courriel';
    case 'cooling-down': {
      const refused =
        context.refusedUntil === undefined
          ? ''
          : ` Trop de verrouillages : nouveaux renouvellements refusés jusqu’au ${formatParisTime(context.refusedUntil)}.`;
      return (
        `Renouvellement ${kind} terminé : ${OUTCOME_WORDS[state.kind][state.outcome]}. ` +
        `Délai de sécurité jusqu’au ${formatParisTime(state.until)} (heure de Paris) : ` +
        `le compte reste suivi (verrouillages, renouvellement de l’autre élément).${refused}`
      );
    }
    case 'closed':
      return `Renouvellement ${kind} terminé : ${OUTCOME_WORDS[state.kind][state.outcome]}`;
  }
}
