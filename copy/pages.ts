/**
 * French copy of every page the citizen sees (the emails are in emails.ts). Views and routes
 * import from here only; no French sentence lives in the code.
 */
import type { DeadLinkReason } from '../workflows/definitions.js';

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
  footerLinks: [
    { label: 'Accessibilité : partiellement conforme', href: '/aide#accessibilite' },
    { label: 'Contacter la cellule d’assistance', href: '/aide' },
  ],
  licence:
    'Sauf mention explicite de propriété intellectuelle détenue par des tiers, les contenus de ce site sont proposés sous licence etalab-2.0',
  titleSuffix: ' – Espace consulaire',
  requiredNotice: 'Sauf mention contraire, tous les champs sont obligatoires.',
  optional: '(facultatif)',
  startAgain: 'Faire une nouvelle demande',
  backToLogin: 'Retour à la page de connexion',
  contactHelp: 'Contacter la cellule d’assistance',
};

export const FORM = {
  errorSummaryTitle: (count: number) => (count === 1 ? 'Le formulaire contient 1 erreur' : `Le formulaire contient ${count} erreurs`),
};

export const CAPTCHA = {
  legend: 'Code de sécurité',
  label: 'Saisissez les 4 chiffres du code de sécurité',
  hint: (ttl: string) => `Ce code nous permet de vérifier que vous n’êtes pas un robot. Il est valable ${ttl} et ne sert qu’une fois.`,
  imageLabel: 'Image du code de sécurité : 4 chiffres déformés. Une version en toutes lettres est proposée juste après.',
  textAlternativeToggle: 'Je ne peux pas lire l’image : afficher le code en toutes lettres',
  textAlternative: (words: string[]) => `Les 4 chiffres du code sont, dans l’ordre : ${words.join(', ')}.`,
  refresh: 'Afficher un autre code',
  refreshed: 'Un nouveau code de sécurité est affiché.',
  digits: ['zéro', 'un', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf'] as const,
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
  submit: 'Se connecter',
  lostIdentifier: 'Identifiant perdu ou non reçu ?',
  needHelp: 'Besoin d’aide ?',
  errors: {
    identifierRequired: 'Saisissez votre identifiant.',
    passwordRequired: 'Saisissez votre mot de passe.',
    failed: 'Identifiant ou mot de passe incorrect. Vérifiez votre saisie et réessayez.',
    failedTitle: 'Connexion impossible',
  },
};

export const ACCOUNT_HOME = {
  title: 'Votre espace consulaire',
  connected: 'Vous êtes connecté à votre espace consulaire.',
  identifierIs: 'Identifiant utilisé :',
  logout: 'Se déconnecter',
  loggedOut: 'Vous êtes déconnecté.',
};

export const REQUEST = {
  title: 'Identifiant perdu ou non reçu',
  intro:
    'Indiquez votre NUMIC et l’adresse électronique que vous avez donnée au consulat ou au registre en ligne. Si elles correspondent à votre compte, vous recevrez un lien par courriel pour obtenir un nouvel identifiant.',
  passwordNote:
    'Pour votre sécurité, l’identifiant et le mot de passe ne peuvent pas être renouvelés en même temps : vous aurez besoin du mot de passe reçu par SMS.',
  numic: 'NUMIC (numéro d’identification consulaire)',
  numicHint: 'De 8 à 14 lettres et chiffres, inscrits sur votre carte consulaire. Exemple : 2026000001',
  email: 'Adresse électronique',
  emailHint: 'Format attendu : nom@domaine.fr',
  submit: 'Demander un nouvel identifiant',
  errors: {
    numicRequired: 'Saisissez votre NUMIC.',
    numicFormat:
      'Le NUMIC doit comporter de 8 à 14 lettres et chiffres, sans autre caractère (exemple : 2026000001). Vous le trouvez sur votre carte consulaire.',
    emailRequired: 'Saisissez votre adresse électronique.',
    emailFormat: 'Saisissez une adresse électronique valide, au format nom@domaine.fr.',
  },
};

export const CONFIRMATION = {
  title: 'Demande enregistrée',
  alertTitle: 'Votre demande a bien été prise en compte',
  body: (linkTtl: string) => [
    'Si le NUMIC et l’adresse électronique saisis correspondent à un compte, un courriel contenant un lien vient de vous être envoyé à cette adresse.',
    `Ce lien est valable ${linkTtl} et ne sert qu’une seule fois. Gardez à portée de main le mot de passe reçu par SMS : il vous sera demandé.`,
    'Vous n’avez rien reçu d’ici quelques minutes ? Vérifiez vos courriers indésirables, puis vérifiez votre NUMIC et faites une nouvelle demande. Une nouvelle demande remplace le lien précédent.',
  ],
};

export const LINK = {
  title: 'Choisir votre nouvel identifiant',
  intro: 'Pour confirmer que c’est bien vous, saisissez le mot de passe que vous avez reçu par SMS, puis le code de sécurité.',
  deadline: (minutes: number) =>
    minutes <= 1 ? 'Vous avez moins d’une minute pour valider.' : `Vous avez ${minutes} minutes pour valider.`,
  attempts: (left: number) => (left === 1 ? 'Il vous reste 1 essai.' : `Il vous reste ${left} essais.`),
  password: 'Mot de passe reçu par SMS',
  passwordHint: 'Il s’agit du mot de passe actuel de votre compte : il ne change pas.',
  submit: 'Valider',
  errors: {
    passwordRequired: 'Saisissez le mot de passe reçu par SMS.',
    passwordTooLong: 'Ce mot de passe est trop long : vérifiez votre saisie.',
    wrongPassword: (left: number) =>
      left === 1
        ? 'Mot de passe incorrect. Il vous reste 1 essai ; après un nouvel échec, la demande sera annulée.'
        : `Mot de passe incorrect. Il vous reste ${left} essais.`,
  },
};

export const NEW_IDENTIFIER = {
  title: 'Votre nouvel identifiant',
  alertTitle: 'Votre identifiant a été renouvelé',
  label: 'Votre nouvel identifiant est :',
  copy: 'Copier l’identifiant',
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

/** Durations in words, as the pages show them: "1 heure", "15 minutes", "2 heures". */
export function durationInWords(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes % 60 === 0) return minutes === 60 ? '1 heure' : `${minutes / 60} heures`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export interface Delays {
  linkTtl: string;
  passwordStepTtl: string;
}

const DEAD_LINK = ({ linkTtl, passwordStepTtl }: Delays): Record<DeadLinkReason, { title: string; body: string }> => ({
  expired: {
    title: 'Ce lien a expiré',
    body: `Le lien reçu par courriel est valable ${linkTtl}, et le mot de passe doit ensuite être saisi dans un délai de ${passwordStepTtl}. Ce délai est dépassé : faites une nouvelle demande pour recevoir un nouveau lien.`,
  },
  'already-used': {
    title: 'Ce lien a déjà été utilisé',
    body: 'Ce lien a déjà servi à renouveler votre identifiant : il ne peut servir qu’une fois. Si vous n’avez pas noté votre nouvel identifiant, faites une nouvelle demande.',
  },
  superseded: {
    title: 'Ce lien a été remplacé',
    body: 'Vous avez fait une demande plus récente : un nouveau lien vous a été envoyé par courriel et celui-ci ne fonctionne plus. Utilisez le lien du courriel le plus récent, ou faites une nouvelle demande.',
  },
  locked: {
    title: 'Demande annulée après trop d’essais',
    body: 'Le mot de passe saisi était incorrect trop de fois. Pour protéger votre compte, cette demande a été annulée. Vérifiez le mot de passe reçu par SMS, puis faites une nouvelle demande.',
  },
  cancelled: {
    title: 'Cette demande a été annulée',
    body: 'Cette demande de nouvel identifiant a été annulée par la cellule d’assistance. Vous pouvez faire une nouvelle demande ou contacter la cellule d’assistance.',
  },
  unknown: {
    title: 'Ce lien n’est pas valide',
    body: 'Ce lien est incomplet ou ne correspond à aucune demande en cours. Vérifiez que vous avez copié l’adresse en entier depuis le courriel, ou faites une nouvelle demande.',
  },
});

export const deadLink = (reason: DeadLinkReason, delays: Delays) => DEAD_LINK(delays)[reason];

export const HELP = {
  title: 'Aide et contact',
  intro:
    'Vous ne parvenez pas à vous connecter ou à renouveler votre identifiant ? Consultez les réponses ci-dessous ou écrivez à la cellule d’assistance.',
  faq: [
    {
      question: 'J’ai perdu mon identifiant',
      answer:
        'Sur la page de connexion, choisissez « Identifiant perdu ou non reçu ? ». Il vous faudra votre NUMIC, votre adresse électronique et le mot de passe reçu par SMS.',
    },
    {
      question: 'Je n’ai pas reçu le courriel',
      answer:
        'Vérifiez vos courriers indésirables. Le courriel n’est envoyé que si le NUMIC et l’adresse électronique correspondent à votre compte.',
    },
  ],
  accessibilityTitle: 'Accessibilité',
  accessibility:
    'Ce service est partiellement conforme au référentiel général d’amélioration de l’accessibilité (RGAA). Le code de sécurité est proposé en image et en toutes lettres. Si vous rencontrez une difficulté, écrivez-nous avec le formulaire ci-dessous.',
  formTitle: 'Écrire à la cellule d’assistance',
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
    lines: [
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
    title: 'Service momentanément indisponible',
    body: 'Une erreur est survenue de notre côté. Votre demande n’a peut-être pas été enregistrée : réessayez dans quelques minutes.',
  },
  forbidden: {
    title: 'Page expirée',
    body: 'Pour votre sécurité, ce formulaire ne peut plus être envoyé : la page était ouverte depuis trop longtemps ou a été envoyée depuis un autre site. Rechargez le formulaire et recommencez.',
    reload: 'Recharger le formulaire',
  },
  tooMany: {
    title: 'Trop de tentatives',
    body: 'Vous avez fait trop de demandes en peu de temps. Pour protéger les comptes, patientez avant de réessayer.',
    retry: (minutes: number) =>
      minutes <= 1 ? 'Vous pourrez réessayer dans une minute.' : `Vous pourrez réessayer dans ${minutes} minutes.`,
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
