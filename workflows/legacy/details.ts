// Frozen with workflows/legacy/renewal-v1.ts (see there): the shapes and words its recorded runs use.
/**
 * The words an operator reads in the Temporal UI ("current details").
 * Pure and deterministic: runs inside the workflow sandbox.
 */
import { formatParisTime } from '../details.js';
import type { RenewalOutcome, RenewalStage } from './definitions.js';

const OUTCOME_WORDS: Record<RenewalOutcome, string> = {
  'no-match': 'aucun compte ne correspond au NUMIC et au courriel saisis ; rien n’a été envoyé',
  expired: 'le délai est dépassé',
  locked: 'trop de mots de passe erronés : renouvellement bloqué',
  cancelled: 'annulé par un opérateur',
  completed: 'nouvel identifiant attribué, usager notifié par courriel et SMS',
};

export function describeStage(stage: RenewalStage, deadline: number | undefined, outcome?: RenewalOutcome): string {
  const until = deadline === undefined ? '' : ` jusqu'au ${formatParisTime(deadline)} (heure de Paris)`;
  switch (stage) {
    case 'looking-up':
      return 'Recherche du compte dans le registre';
    case 'waiting-for-link':
      return `En attente du clic sur le lien envoyé par courriel${until}`;
    case 'waiting-for-password':
      return `Lien ouvert : en attente du mot de passe reçu par SMS${until}`;
    case 'assigning':
      return 'Attribution du nouvel identifiant';
    case 'notifying':
      return 'Envoi des notifications (courriel et SMS)';
    case 'closed':
      return `Terminé : ${outcome ? OUTCOME_WORDS[outcome] : 'sans résultat'}`;
  }
}
