/**
 * French copy of every page the citizen sees, block by block in the order of the screens (the
 * emails and SMS are in emails.ts). Views and routes import from here only; no French sentence
 * lives in the code.
 *
 *   SITE, FORM, ERRORS   every page: the shell (its footer's accessibility status), forms, error pages
 *   JOURNEY, STEPPER     each renewal's name and its four steps, as the DSFR stepper and the page titles say them
 *   CODE                 the security code block (screens 2 and 5, the help form, a login under attack)
 *   LOGIN, ACCOUNT_HOME  screen 1 (login page) and the signed-in landing page
 *   REQUEST              screen 2, per kind (NUMIC, email, code)
 *   CONFIRMATION         screen 3, per kind: the same words whatever the match
 *   LINK                 screen 5, per kind (the secret that authenticates, and a code)
 *   NEW_IDENTIFIER       screen 6 of an identifier renewal (the identifier, shown once)
 *   PASSWORD_SENT        screen 6 of a password renewal (the password went by SMS)
 *   deadLink             the page of each dead link (screen 5 when the link no longer works)
 *   HELP                 the AIDE page and its contact form
 *   ACCESSIBILITY        the accessibility declaration (/accessibilite); its criteria are data in accessibility.ts
 */
import { durationInWords } from './durations.js';
import type { DeadLinkReason, RenewalKind } from '../workflows/definitions.js';

export const SITE = {
  serviceTitle: 'Espace consulaire',
  serviceTagline: 'Service des Français à l’étranger',
  homeTitle: 'Accueil – Espace consulaire – République française',
  republic: ['République', 'Française'] as const,
  help: 'Aide',
  helpTitle: 'Aide – contacter la cellule d’assistance',
  menu: 'Menu',
  close: 'Fermer',
  skipLinks: 'Accès rapide',
  skipToContent: 'Contenu',
  skipToFooter: 'Pied de page',
  footerDescription:
    'Portail des Français inscrits au registre des Français établis hors de France. Pour toute question, contactez la cellule d’assistance.',
  /** DSFR's footer link to the declaration says the conformity status (ACCESSIBILITY.status). */
  footerAccessibility: (status: string) => `Accessibilité : ${status}`,
  licence:
    'Sauf mention explicite de propriété intellectuelle détenue par des tiers, les contenus de ce site sont proposés sous licence etalab-2.0',
  titleSuffix: ' – Espace consulaire',
  /** A form in error says so first in its title, so that the failure is heard first (RGAA 8.6). */
  titleError: 'Erreur – ',
  requiredNotice: 'Sauf mention contraire, tous les champs sont obligatoires.',
  optional: '(facultatif)',
  startAgain: 'Faire une nouvelle demande',
  backToLogin: 'Retour à la page de connexion',
  contactHelp: 'Contacter la cellule d’assistance',
};

export const FORM = {
  errorSummaryTitle: (count: number) => (count === 1 ? 'Le formulaire contient 1 erreur' : `Le formulaire contient ${count} erreurs`),
  /** DSFR's password component: the box that shows what was typed (its visible label, and the name read). */
  showPassword: 'Afficher',
  showPasswordLabel: 'Afficher le mot de passe',
};

/** A renewal, step by step: the request form, the confirmation, the emailed link's page, what changed. */
export const JOURNEY: Record<RenewalKind, { name: string; steps: readonly [string, string, string, string] }> = {
  identifier: {
    name: 'Renouvellement de l’identifiant',
    steps: [
      'Votre NUMIC et votre adresse électronique',
      'Demande enregistrée',
      'Confirmation avec le mot de passe reçu par SMS',
      'Votre nouvel identifiant',
    ],
  },
  password: {
    name: 'Renouvellement du mot de passe',
    steps: [
      'Votre NUMIC et votre adresse électronique',
      'Demande enregistrée',
      'Confirmation avec votre identifiant actuel',
      'Nouveau mot de passe envoyé par SMS',
    ],
  },
};

export const STEPPER = {
  state: (step: number, total: number) => `Étape ${step} sur ${total}`,
  next: 'Étape suivante :',
};

/** "dans 12 minutes" for a wait in milliseconds, at least one minute. */
const inMinutes = (ms: number) => {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  return minutes === 1 ? 'dans une minute' : `dans ${minutes} minutes`;
};

export const CODE = {
  legend: 'Code de sécurité',
  label: 'Saisissez les 4 chiffres du code de sécurité',
  hint: (ttl: string) => `Ce code nous permet de vérifier que vous n’êtes pas un robot. Il est valable ${ttl} et ne sert qu’une fois.`,
  imageAlt: 'Code de sécurité : 4 chiffres déformés. Si vous ne pouvez pas les lire, écoutez le code juste après.',
  audioTitle: 'Écouter le code',
  audioHint: 'Une voix lit les 4 chiffres, l’un après l’autre, avec un léger bruit de fond.',
  audioLink: 'Télécharger le code en version audio (fichier WAV)',
  audioUnavailable: 'Ce code n’est plus valable : affichez un nouveau code sur le formulaire.',
  noCodeHelp: 'Vous ne pouvez ni lire ni écouter le code ?',
  noCodeHelpLink: 'Contactez la cellule d’assistance',
  refresh: 'Afficher un autre code',
  refreshed: 'Un nouveau code de sécurité est affiché.',
  digits: ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'] as const,
  tooManyTitle: 'Trop de codes erronés',
  tooMany: (waitMs: number) =>
    `Trop de codes de sécurité erronés ont été saisis depuis votre connexion. Pour protéger les comptes, un nouveau code vous sera proposé ${inMinutes(waitMs)}.`,
  errors: {
    required: 'Saisissez les 4 chiffres du code de sécurité.',
    format: 'Le code de sécurité comporte exactement 4 chiffres, par exemple 4096.',
    wrong: 'Le code de sécurité est incorrect ou a expiré. Un nouveau code est affiché : saisissez-le.',
  },
};

export const LOGIN = {
  title: 'Connexion à votre espace consulaire',
  intro: 'Connectez-vous avec l’identifiant reçu par courriel et le mot de passe reçu par SMS.',
  identifier: 'Identifiant',
  identifierHint: 'Format attendu : 3 groupes de 4 caractères, par exemple K7QM-4WXH-9TPC',
  password: 'Mot de passe',
  formTitle: 'Se connecter avec son compte',
  credentials: 'Vos identifiants de connexion',
  submit: 'Se connecter',
  lostIdentifier: 'Identifiant perdu ou non reçu ?',
  lostPassword: 'Mot de passe perdu ou non reçu ?',
  needHelp: 'Besoin d’aide ?',
  codeNeeded: 'Pour protéger ce compte après plusieurs tentatives, saisissez aussi le code de sécurité.',
  errors: {
    identifierRequired: 'Saisissez votre identifiant.',
    passwordRequired: 'Saisissez votre mot de passe.',
    failed: 'Identifiant ou mot de passe incorrect. Vérifiez votre saisie et réessayez.',
  },
  tooMany: (waitMs: number) =>
    `Trop de tentatives de connexion ont échoué pour cet identifiant depuis votre connexion. Vous pourrez réessayer ${inMinutes(waitMs)}. Identifiant ou mot de passe perdu ? Utilisez les liens de la page de connexion.`,
};

export const ACCOUNT_HOME = {
  title: 'Votre espace consulaire',
  connected: 'Vous êtes connecté à votre espace consulaire.',
  identifierIs: 'Identifiant utilisé :',
  logout: 'Se déconnecter',
};

interface RequestCopy {
  title: string;
  intro: string;
  ruleNote: string;
  submit: string;
}

/** Screen 2, per kind; the fields and their errors are the same for both. */
export const REQUEST: Record<RenewalKind, RequestCopy> & {
  numic: string;
  numicHint: string;
  email: string;
  emailHint: string;
  errors: Record<'numicRequired' | 'numicFormat' | 'emailRequired' | 'emailFormat', string>;
  tooMany: (waitMs: number) => string;
} = {
  identifier: {
    title: 'Identifiant perdu ou non reçu',
    intro:
      'Indiquez votre NUMIC et l’adresse électronique que vous avez donnée au consulat ou au registre en ligne. Si elles correspondent à votre compte, vous recevrez un lien par courriel pour obtenir un nouvel identifiant.',
    ruleNote:
      'Pour votre sécurité, l’identifiant et le mot de passe ne peuvent pas être renouvelés en même temps : vous aurez besoin du mot de passe reçu par SMS.',
    submit: 'Demander un nouvel identifiant',
  },
  password: {
    title: 'Mot de passe perdu ou non reçu',
    intro:
      'Indiquez votre NUMIC et l’adresse électronique que vous avez donnée au consulat ou au registre en ligne. Si elles correspondent à votre compte, vous recevrez un lien par courriel pour obtenir un nouveau mot de passe, envoyé par SMS.',
    ruleNote:
      'Pour votre sécurité, l’identifiant et le mot de passe ne peuvent pas être renouvelés en même temps : vous aurez besoin de votre identifiant actuel, reçu par courriel.',
    submit: 'Demander un nouveau mot de passe',
  },
  numic: 'NUMIC (numéro d’identification consulaire)',
  numicHint: 'De 8 à 14 lettres et chiffres, inscrits sur votre carte consulaire. Exemple : 2026000001',
  email: 'Adresse électronique',
  emailHint: 'Format attendu : nom@domaine.fr',
  errors: {
    numicRequired: 'Saisissez votre NUMIC.',
    numicFormat:
      'Le NUMIC doit comporter de 8 à 14 lettres et chiffres, sans autre caractère (exemple : 2026000001). Vous le trouvez sur votre carte consulaire.',
    emailRequired: 'Saisissez votre adresse électronique.',
    emailFormat: 'Saisissez une adresse électronique valide, au format nom@domaine.fr.',
  },
  tooMany: (waitMs: number) =>
    `Vous avez fait plusieurs demandes pour ce NUMIC en peu de temps. Un courriel vous a peut-être déjà été envoyé : vérifiez votre messagerie. Vous pourrez faire une nouvelle demande ${inMinutes(waitMs)}.`,
};

/** Screen 3: the same words whatever the match, and whatever the account's state. */
export const CONFIRMATION = {
  title: 'Demande enregistrée',
  alertTitle: 'Votre demande a bien été prise en compte',
  body: (kind: RenewalKind, linkTtl: string) => [
    'Si le NUMIC et l’adresse électronique saisis correspondent à un compte, un courriel vous est envoyé à cette adresse.',
    kind === 'identifier'
      ? `Il contient un lien valable ${linkTtl}, qui ne sert qu’une seule fois. Gardez à portée de main le mot de passe reçu par SMS : il vous sera demandé.`
      : `Il contient un lien valable ${linkTtl}, qui ne sert qu’une seule fois. Gardez à portée de main votre identifiant actuel : il vous sera demandé.`,
    'Si une demande ne peut pas être traitée pour le moment (par exemple parce qu’un autre renouvellement est en cours), le courriel vous en explique la raison.',
    'Vous n’avez rien reçu d’ici quelques minutes ? Vérifiez vos courriers indésirables, puis vérifiez votre NUMIC et faites une nouvelle demande. Une nouvelle demande remplace le lien précédent.',
  ],
};

interface LinkCopy {
  title: string;
  intro: string;
  secret: string;
  secretHint: string;
  submit: string;
  secretRequired: string;
  wrongSecret: (left: number) => string;
}

/** Screen 5, per kind. */
export const LINK: Record<RenewalKind, LinkCopy> & {
  deadline: (msLeft: number) => string;
  attempts: (left: number) => string;
  secretTooLong: string;
  pending: { title: string; body: string; reload: string };
  inProgress: { title: string; body: string[]; reload: string };
} = {
  identifier: {
    title: 'Confirmer votre demande de nouvel identifiant',
    intro: 'Pour confirmer que c’est bien vous, saisissez le mot de passe que vous avez reçu par SMS, puis le code de sécurité.',
    secret: 'Mot de passe reçu par SMS',
    secretHint: 'Il s’agit du mot de passe actuel de votre compte : il ne change pas.',
    submit: 'Valider',
    secretRequired: 'Saisissez le mot de passe reçu par SMS.',
    wrongSecret: (left) =>
      left === 1
        ? 'Mot de passe incorrect. Il vous reste 1 essai ; après un nouvel échec, la demande sera annulée.'
        : `Mot de passe incorrect. Il vous reste ${left} essais.`,
  },
  password: {
    title: 'Confirmer votre demande de nouveau mot de passe',
    intro: 'Pour confirmer que c’est bien vous, saisissez votre identifiant actuel (reçu par courriel), puis le code de sécurité.',
    secret: 'Identifiant actuel',
    secretHint: 'Format attendu : 3 groupes de 4 caractères, par exemple K7QM-4WXH-9TPC. Il ne change pas.',
    submit: 'Valider',
    secretRequired: 'Saisissez votre identifiant actuel.',
    wrongSecret: (left) =>
      left === 1
        ? 'Identifiant incorrect. Il vous reste 1 essai ; après un nouvel échec, la demande sera annulée.'
        : `Identifiant incorrect. Il vous reste ${left} essais.`,
  },
  deadline: (msLeft) =>
    msLeft < 60_000
      ? 'Ce lien expire dans moins d’une minute.'
      : `Ce lien est encore valable ${durationInWords(Math.floor(msLeft / 60_000) * 60_000)}.`,
  attempts: (left) => (left === 1 ? 'Il vous reste 1 essai.' : `Il vous reste ${left} essais.`),
  secretTooLong: 'Cette saisie est trop longue : vérifiez-la.',
  pending: {
    title: 'Ce lien n’est pas encore actif',
    body: 'Le courriel qui contient ce lien vient de partir et sa validation n’est pas encore terminée. Patientez une minute, puis ouvrez le lien à nouveau.',
    reload: 'Ouvrir le lien à nouveau',
  },
  // After a submission the service took too long to answer: it may still go through.
  inProgress: {
    title: 'Votre demande est en cours de traitement',
    body: [
      'Le service met plus de temps que prévu à répondre. Votre demande a peut-être déjà été prise en compte : ne la refaites pas.',
      'Affichez le résultat dans quelques instants, depuis ce navigateur.',
    ],
    reload: 'Afficher le résultat',
  },
};

export const NEW_IDENTIFIER = {
  title: 'Votre nouvel identifiant',
  alertTitle: 'Votre identifiant a été renouvelé',
  label: 'Votre nouvel identifiant est :',
  copy: 'Copier l’identifiant dans le presse-papier',
  copied: 'Identifiant copié dans le presse-papiers.',
  copyFailed: 'La copie automatique n’a pas fonctionné : sélectionnez l’identifiant et copiez-le.',
  advice: [
    'Notez-le ou copiez-le dès maintenant et conservez-le en lieu sûr : pour votre sécurité, il ne sera plus affiché ensuite.',
    'Votre ancien identifiant ne fonctionne plus. Votre mot de passe ne change pas.',
    'Un courriel et un SMS vous confirment ce changement.',
  ],
  login: 'Me connecter avec mon nouvel identifiant',
  goneTitle: 'Cet identifiant n’est plus affiché',
  gone: 'Pour votre sécurité, le nouvel identifiant n’est affiché qu’une seule fois. Si vous ne l’avez pas noté, faites une nouvelle demande.',
};

export const PASSWORD_SENT = {
  title: 'Votre nouveau mot de passe est envoyé par SMS',
  alertTitle: 'Votre mot de passe a été renouvelé',
  sentTo: (phoneEnding: string) => `Votre nouveau mot de passe est envoyé par SMS au numéro se terminant par ${phoneEnding}.`,
  advice: [
    'Le SMS peut mettre quelques minutes à arriver. Pour votre sécurité, le mot de passe n’est jamais affiché à l’écran ni envoyé par courriel.',
    'Votre ancien mot de passe ne fonctionne plus. Votre identifiant ne change pas.',
    'Un courriel vous confirme ce changement.',
    'Vous n’avez rien reçu au bout d’une heure, ou ce numéro n’est plus le vôtre ? Contactez la cellule d’assistance.',
  ],
  login: 'Me connecter avec mon nouveau mot de passe',
  goneTitle: 'Cette page n’est plus affichée',
  gone: 'Votre demande a déjà été traitée : le nouveau mot de passe a été envoyé par SMS. Si vous ne l’avez pas reçu, contactez la cellule d’assistance.',
};

export interface Delays {
  linkTtl: string;
}

const THE_CREDENTIAL: Record<RenewalKind, string> = { identifier: 'votre identifiant', password: 'votre mot de passe' };
const THE_SECRET: Record<RenewalKind, string> = { identifier: 'Le mot de passe saisi', password: 'L’identifiant saisi' };

/** The page of each dead link, per kind. */
export function deadLink(kind: RenewalKind, reason: DeadLinkReason, { linkTtl }: Delays): { title: string; body: string } {
  switch (reason) {
    case 'expired':
      return {
        title: 'Ce lien a expiré',
        body: `Le lien reçu par courriel est valable ${linkTtl}. Ce délai est dépassé : faites une nouvelle demande pour recevoir un nouveau lien.`,
      };
    case 'already-used':
      return {
        title: 'Ce lien a déjà été utilisé',
        body: `Ce lien a déjà servi à renouveler ${THE_CREDENTIAL[kind]} : il ne peut servir qu’une fois. Si besoin, faites une nouvelle demande.`,
      };
    case 'superseded':
      return {
        title: 'Ce lien a été remplacé',
        body: 'Vous avez fait une demande plus récente : un nouveau lien vous a été envoyé par courriel et celui-ci ne fonctionne plus. Utilisez le lien du courriel le plus récent, ou faites une nouvelle demande.',
      };
    case 'locked':
      return {
        title: 'Demande annulée après trop d’essais',
        body: `${THE_SECRET[kind]} était incorrect trop de fois. Pour protéger votre compte, cette demande a été annulée et vous en avez été prévenu par courriel et par SMS. Vérifiez vos informations, puis faites une nouvelle demande.`,
      };
    case 'cancelled':
      return {
        title: 'Cette demande a été annulée',
        body: 'Cette demande a été annulée par la cellule d’assistance. Vous pouvez faire une nouvelle demande ou contacter la cellule d’assistance.',
      };
    case 'unknown':
      return {
        title: 'Ce lien n’est pas valide',
        body: 'Ce lien est incomplet ou ne correspond à aucune demande en cours. Vérifiez que vous avez copié l’adresse en entier depuis le courriel, ou faites une nouvelle demande.',
      };
  }
}

export const HELP = {
  title: 'Aide et contact',
  intro:
    'Vous ne parvenez pas à vous connecter ou à renouveler votre identifiant ou votre mot de passe ? Consultez les réponses ci-dessous ou écrivez à la cellule d’assistance.',
  faq: [
    {
      question: 'J’ai perdu mon identifiant',
      answer:
        'Sur la page de connexion, choisissez « Identifiant perdu ou non reçu ? ». Il vous faudra votre NUMIC, votre adresse électronique et le mot de passe reçu par SMS.',
    },
    {
      question: 'J’ai perdu mon mot de passe',
      answer:
        'Sur la page de connexion, choisissez « Mot de passe perdu ou non reçu ? ». Il vous faudra votre NUMIC, votre adresse électronique et votre identifiant actuel ; le nouveau mot de passe vous est envoyé par SMS.',
    },
    {
      question: 'J’ai perdu mon identifiant et mon mot de passe',
      answer:
        'Pour votre sécurité, ils ne peuvent pas être renouvelés en même temps en ligne : écrivez à la cellule d’assistance avec le formulaire ci-dessous.',
    },
    {
      question: 'Je n’ai pas reçu le courriel',
      answer:
        'Vérifiez vos courriers indésirables. Le courriel n’est envoyé que si le NUMIC et l’adresse électronique correspondent à votre compte.',
    },
  ],
  accessibilityTitle: 'Accessibilité',
  accessibility:
    'Le code de sécurité est proposé en image et en version audio. Si vous ne pouvez utiliser ni l’un ni l’autre, ou si vous rencontrez une difficulté, écrivez à la cellule d’assistance par courriel ou avec le formulaire ci-dessous.',
  accessibilityLink: 'Lire la déclaration d’accessibilité',
  formTitle: 'Écrire à la cellule d’assistance',
  /** The way round the form's own security code: the help desk's address, for who can use neither version. */
  directContact: 'Vous ne pouvez pas utiliser le code de sécurité de ce formulaire ? Écrivez directement à',
  name: 'Nom et prénom',
  email: 'Adresse électronique pour vous répondre',
  emailHint: 'Format attendu : nom@domaine.fr',
  numic: 'NUMIC',
  numicHint: 'Si vous le connaissez : de 8 à 14 lettres et chiffres.',
  message: 'Votre message',
  messageHint: 'Décrivez votre difficulté (2 000 caractères au maximum). N’indiquez jamais votre mot de passe.',
  submit: 'Envoyer le message',
  sentTitle: 'Message envoyé',
  sent: 'Votre message a bien été transmis à la cellule d’assistance. Une réponse vous sera apportée à l’adresse électronique indiquée.',
  sendFailedTitle: 'Envoi impossible',
  sendFailed: 'Votre message n’a pas pu être envoyé pour le moment. Réessayez dans quelques minutes.',
  errors: {
    nameRequired: 'Saisissez votre nom et votre prénom.',
    nameTooLong: 'Le nom ne doit pas dépasser 120 caractères.',
    emailRequired: 'Saisissez votre adresse électronique.',
    emailFormat: 'Saisissez une adresse électronique valide, au format nom@domaine.fr.',
    numicFormat:
      'Le NUMIC doit comporter de 8 à 14 lettres et chiffres (exemple : 2026000001). Laissez ce champ vide si vous ne le connaissez pas.',
    messageRequired: 'Saisissez votre message.',
    messageTooShort: 'Votre message est trop court : décrivez votre difficulté en quelques mots (10 caractères au minimum).',
    messageTooLong: 'Votre message ne doit pas dépasser 2 000 caractères.',
  },
  /** The message the help desk receives: written by the portal, in French. */
  helpdeskMessage: (input: { nom: string; courriel: string; numic?: string; message: string }) => ({
    subject: `Demande d’assistance – ${input.nom}`,
    paragraphs: [
      'Message reçu par le formulaire de contact de l’espace consulaire.',
      `Nom : ${input.nom}`,
      `Adresse électronique : ${input.courriel}`,
      `NUMIC : ${input.numic ?? 'non indiqué'}`,
      'Message :',
      input.message,
    ],
  }),
};

export const ERRORS = {
  notFound: {
    title: 'Page non trouvée',
    body: 'La page que vous cherchez est introuvable. L’adresse est peut-être incorrecte ou la page n’existe plus.',
  },
  server: {
    title: 'Erreur inattendue',
    body: 'Une erreur est survenue de notre côté. Votre demande n’a peut-être pas été enregistrée : réessayez dans quelques minutes.',
  },
  unavailable: {
    title: 'Service momentanément indisponible',
    body: 'Le service ne peut pas traiter votre demande pour le moment. Rien n’a été enregistré : réessayez dans quelques minutes.',
  },
  forbidden: {
    title: 'Page expirée',
    body: 'Pour votre sécurité, ce formulaire ne peut plus être envoyé : la page était ouverte depuis trop longtemps ou a été envoyée depuis un autre site. Rechargez le formulaire et recommencez.',
    reload: 'Recharger le formulaire',
  },
  tooMany: {
    title: 'Trop de tentatives',
    body: 'Vous avez fait trop de demandes en peu de temps depuis votre connexion. Pour protéger les comptes, patientez avant de réessayer.',
    retry: (waitMs: number) => `Vous pourrez réessayer ${inMinutes(waitMs)}.`,
  },
  badRequest: {
    title: 'Demande incorrecte',
    body: 'Les informations reçues sont incomplètes ou mal formées. Revenez au formulaire et recommencez.',
  },
  tooLarge: {
    title: 'Envoi trop volumineux',
    body: 'Les informations envoyées sont trop volumineuses. Raccourcissez votre saisie et réessayez.',
  },
  home: 'Retour à l’accueil',
  errorCode: (status: number) => `Erreur ${status}`,
};

/**
 * The accessibility declaration, in the order of the legal model (arrêté du 20 septembre 2019): the
 * criteria themselves, their status and how each is checked are data in accessibility.ts.
 */
export const ACCESSIBILITY = {
  title: 'Déclaration d’accessibilité',
  commitment:
    'L’Espace consulaire s’engage à rendre ses pages accessibles conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.',
  scope: (site: string) => `Cette déclaration d’accessibilité s’applique à l’Espace consulaire (${site}).`,
  status: { full: 'totalement conforme', partial: 'partiellement conforme', none: 'non conforme' },
  statusTitle: 'État de conformité',
  statusBody: (status: string, rgaa: string) =>
    `L’Espace consulaire est ${status} avec le référentiel général d’amélioration de l’accessibilité (RGAA), version ${rgaa}.`,
  noAudit:
    'Aucun audit de conformité n’a encore été réalisé : tant qu’il n’y en a pas, la loi impose de déclarer le service non conforme. Ce qui suit n’est pas un audit : ce sont les vérifications faites à chaque modification du service.',
  resultsTitle: 'Résultats des vérifications',
  results: (tested: number, manual: number, notMet: number, total: number) => {
    const unexamined = total - tested - manual - notMet;
    const [s1, s2, s3, s4] = [tested, manual, notMet, unexamined].map((n) => n > 1);
    return [
      `Sur les ${total} critères du RGAA, ${tested} ${s1 ? 'sont vérifiés' : 'est vérifié'} par des tests automatisés à chaque modification du service,`,
      `${manual} ${s2 ? 'relèvent' : 'relève'} d’une vérification humaine et ${notMet} ${s3 ? 'ne sont pas respectés' : 'n’est pas respecté'}.`,
      `${s4 ? `Les ${unexamined} autres n’ont pas été examinés` : `Le dernier n’a pas été examiné`} : la plupart ne s’appliquent pas à ce service, qui n’a ni tableau, ni cadre, ni vidéo, ni document bureautique.`,
    ].join(' ');
  },
  testedTitle: 'Critères vérifiés par des tests automatisés',
  testedIntro:
    'Ces tests pilotent un vrai navigateur : ils font chaque parcours au clavier seul et affichent chaque page en thème clair et en thème sombre, à 320 pixels de large et avec un texte agrandi à 200 %. Un critère n’est listé ici que si un test le vérifie.',
  manualTitle: 'Critères vérifiés à la main',
  manualIntro:
    'Ces critères demandent un jugement humain (la pertinence d’un texte, une restitution par un lecteur d’écran) : aucun test automatisé ne peut les établir. Ces vérifications manuelles n’ont pas encore été consignées dans un audit.',
  notMetTitle: 'Contenus non accessibles',
  notMetIntro: 'Les critères suivants ne sont pas respectés :',
  establishedTitle: 'Établissement de cette déclaration',
  established: (date: string) => `Cette déclaration a été établie le ${date}.`,
  technologies: 'Technologies utilisées : HTML, CSS et JavaScript. Chaque page fonctionne aussi sans JavaScript.',
  tools:
    'Outils de vérification : le navigateur Chromium piloté par des tests automatisés, le moteur de tests axe-core et l’arbre d’accessibilité du navigateur.',
  sampleTitle: 'Pages vérifiées :',
  contactTitle: 'Retour d’information et contact',
  contact:
    'Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez la cellule d’assistance : elle vous orientera vers une alternative accessible ou vous transmettra le contenu sous une autre forme.',
  byEmail: 'Par courriel :',
  byForm: 'Par le formulaire de contact',
  byFormNote: '(il demande un code de sécurité, proposé en image et en version audio)',
  remedyTitle: 'Voies de recours',
  remedy:
    'Si vous avez signalé un défaut d’accessibilité qui vous empêche d’accéder à un contenu ou à un service et que vous n’avez pas obtenu de réponse satisfaisante, vous pouvez :',
  remedies: [
    { label: 'écrire un message au Défenseur des droits', href: 'https://formulaire.defenseurdesdroits.fr/' },
    { label: 'contacter le délégué du Défenseur des droits dans votre région', href: 'https://www.defenseurdesdroits.fr/saisir/delegues' },
  ],
  remedyPost:
    'envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07.',
};
