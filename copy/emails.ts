/**
 * French copy of the emails and SMS the citizen receives (the page copy is in pages.ts). Each email
 * is words only: adapters/mail-layout.tsx renders the same paragraphs as text and as HTML.
 */
import type { RenewalKind } from '../workflows/definitions.js';
import { durationInWords, parisDateTimeInWords } from './durations.js';

export const SERVICE = 'Service des Français à l’étranger';

export interface EmailContent {
  subject: string;
  paragraphs: string[];
  /** A button in the HTML part; the address is also written out in both parts. */
  link?: { href: string; label: string };
}

const THE: Record<RenewalKind, string> = { identifier: 'l’identifiant', password: 'le mot de passe' };
const THE_CAPITAL: Record<RenewalKind, string> = { identifier: 'L’identifiant', password: 'Le mot de passe' };
/** "un renouvellement d’identifiant", "une demande de nouveau mot de passe". */
const OF_KIND: Record<RenewalKind, string> = { identifier: 'd’identifiant', password: 'de mot de passe' };
const OF_NEW: Record<RenewalKind, string> = { identifier: 'de nouvel identifiant', password: 'de nouveau mot de passe' };
const A_NEW: Record<RenewalKind, string> = { identifier: 'un nouvel identifiant', password: 'un nouveau mot de passe' };
/** What authenticates each kind of renewal (the other credential). */
const NEEDED: Record<RenewalKind, string> = {
  identifier: 'le mot de passe que vous avez reçu par SMS',
  password: 'votre identifiant actuel, reçu par courriel',
};

export const LINK_EMAIL_SUBJECT: Record<RenewalKind, string> = {
  identifier: 'Votre demande de nouvel identifiant',
  password: 'Votre demande de nouveau mot de passe',
};

export function renewalLinkEmail(kind: RenewalKind, link: string, validForMs: number): EmailContent {
  return {
    subject: LINK_EMAIL_SUBJECT[kind],
    paragraphs: [
      'Bonjour,',
      `Vous avez demandé ${A_NEW[kind]} pour votre espace consulaire.`,
      `Pour continuer, ouvrez le lien ci-dessous. Il est valable ${durationInWords(validForMs)} et ne sert qu’une seule fois. Vous aurez besoin de ${NEEDED[kind]}.`,
      `Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : ${THE[kind]} actuel reste valable.`,
    ],
    link: { href: link, label: kind === 'identifier' ? 'Obtenir mon nouvel identifiant' : 'Obtenir mon nouveau mot de passe' },
  };
}

export function credentialChangedEmail(kind: RenewalKind, helpdeskEmail: string): EmailContent {
  return {
    subject: kind === 'identifier' ? 'Votre identifiant a été renouvelé' : 'Votre mot de passe a été renouvelé',
    paragraphs: [
      'Bonjour,',
      kind === 'identifier'
        ? 'L’identifiant de votre espace consulaire vient d’être renouvelé. L’ancien identifiant ne fonctionne plus. Votre mot de passe n’a pas changé.'
        : 'Le mot de passe de votre espace consulaire vient d’être renouvelé : le nouveau vous a été envoyé par SMS. L’ancien mot de passe ne fonctionne plus. Votre identifiant n’a pas changé.',
      `Si vous n’êtes pas à l’origine de ce changement, contactez sans attendre la cellule d’assistance : ${helpdeskEmail}.`,
    ],
  };
}

export function lockoutEmail(kind: RenewalKind, helpdeskEmail: string): EmailContent {
  const wrong = kind === 'identifier' ? 'un mauvais mot de passe' : 'un mauvais identifiant';
  return {
    subject: 'Demande bloquée après plusieurs erreurs',
    paragraphs: [
      'Bonjour,',
      `Quelqu’un a saisi 3 fois ${wrong} pour renouveler ${THE[kind]} de votre espace consulaire. Pour protéger votre compte, cette demande a été annulée.`,
      'Si c’était vous, vérifiez vos informations et faites une nouvelle demande.',
      `Si ce n’était pas vous, votre compte n’a pas été modifié ; contactez la cellule d’assistance : ${helpdeskEmail}.`,
    ],
  };
}

export type RefusalReason = 'in-progress' | 'cooldown' | 'locked-out';

/** Why a request of `requested` started nothing, told to the account's email only (the page says the same for all). */
export function refusalEmail(
  requested: RenewalKind,
  reason: RefusalReason,
  other: RenewalKind,
  until: number,
  helpdeskEmail: string,
): EmailContent {
  const when = `${parisDateTimeInWords(until)} (heure de Paris)`;
  const why: Record<RefusalReason, string> = {
    'in-progress': `Un renouvellement ${OF_KIND[other]} est déjà en cours pour votre compte, jusqu’au ${when}. Pour des raisons de sécurité, l’identifiant et le mot de passe ne peuvent pas être renouvelés en même temps : terminez d’abord la demande en cours (avec le lien reçu par courriel), ou attendez son expiration.`,
    cooldown: `${THE_CAPITAL[other]} de votre compte vient d’être renouvelé. Pour des raisons de sécurité, ${THE[requested]} ne peut être renouvelé qu’à partir du ${when}.`,
    'locked-out': `Plusieurs demandes récentes pour votre compte ont été bloquées après des erreurs répétées. Pour protéger votre compte, les nouvelles demandes sont suspendues jusqu’au ${when}.`,
  };
  return {
    subject: `Demande ${OF_NEW[requested]} : impossible pour le moment`,
    paragraphs: [
      'Bonjour,',
      why[reason],
      `Vous avez perdu à la fois votre identifiant et votre mot de passe, ou vous n’êtes pas à l’origine de ces demandes ? Contactez la cellule d’assistance : ${helpdeskEmail}.`,
    ],
  };
}

export const SMS = {
  identifierChanged:
    'Consulat de France : l’identifiant de votre espace consulaire vient d’être renouvelé. Si vous n’êtes pas à l’origine de ce changement, contactez la cellule d’assistance.',
  /** The only place the new password ever appears in clear: the SMS itself. */
  newPassword: (password: string) =>
    `Consulat de France : votre nouveau mot de passe pour l’espace consulaire est ${password} . L’ancien ne fonctionne plus. Ne le communiquez à personne.`,
  lockout: (kind: RenewalKind) =>
    `Consulat de France : quelqu’un a saisi 3 fois ${kind === 'identifier' ? 'un mauvais mot de passe' : 'un mauvais identifiant'} pour renouveler ${THE[kind]} de votre espace consulaire. Si ce n’était pas vous, contactez la cellule d’assistance.`,
};
