/**
 * The facts of the accessibility declaration (/accessibilite), as data: which RGAA criteria a test
 * checks, which only a person can judge, which are not met, and the screens the checks visit. The
 * page is generated from this module, and test/unit/accessibility-declaration.test.ts holds it to
 * the tests: a criterion is 'tested' only if a test names it (`rgaa('x.y')` in its title), and no
 * test names a criterion this list does not mark 'tested'. So the page cannot claim what no test checks.
 */

export type CriterionStatus = 'tested' | 'manual' | 'not-met';

export interface Criterion {
  /** RGAA 4.1 numbering: theme.criterion. */
  id: `${number}.${number}`;
  /** What the criterion is about, in a few words (the RGAA's own question is longer). */
  topic: string;
  status: CriterionStatus;
  /** How it is checked (tested, manual) or what is wrong (not-met), as the page says it. */
  how: string;
}

export const RGAA = { version: '4.1.2', criteria: 106 } as const;

/**
 * When the declaration was last written, and the audit it rests on. Without an audit in force the
 * law (décret n° 2019-768) requires « non conforme », whatever the tests say.
 */
export const DECLARATION: { established: string; audit: null | { date: string; rate: number } } = {
  established: '2026-12-01',
  audit: null,
};

/** The status the footer and the page state: from an audit's rate, never from our own tests. */
export function conformity(): 'full' | 'partial' | 'none' {
  const audit = DECLARATION.audit;
  if (!audit) return 'none';
  return audit.rate >= 100 ? 'full' : audit.rate >= 50 ? 'partial' : 'none';
}

export const CRITERIA: readonly Criterion[] = [
  // Images
  {
    id: '1.1',
    topic: 'Alternative textuelle des images',
    status: 'tested',
    how: 'Chaque page est passée au moteur axe-core : toute image a une alternative textuelle.',
  },
  {
    id: '1.2',
    topic: 'Images de décoration ignorées',
    status: 'manual',
    how: 'Les pictogrammes sont dessinés en CSS et ne sont pas restitués ; à confirmer avec un lecteur d’écran.',
  },
  {
    id: '1.3',
    topic: 'Alternatives textuelles pertinentes',
    status: 'manual',
    how: 'La pertinence d’une alternative demande un jugement humain.',
  },
  {
    id: '1.4',
    topic: 'Alternative du code de sécurité (CAPTCHA)',
    status: 'tested',
    how: 'Dans l’arbre d’accessibilité du navigateur, l’image du code de sécurité a un nom qui dit ce qu’elle est et qu’on peut l’écouter.',
  },
  {
    id: '1.5',
    topic: 'Accès alternatif au code de sécurité (CAPTCHA)',
    status: 'tested',
    how: 'Le code est aussi proposé en audio (un lecteur et un fichier à télécharger, atteints et utilisés au clavier) ; un lien mène à la cellule d’assistance, joignable par courriel sans code de sécurité.',
  },
  // Colours
  {
    id: '3.1',
    topic: 'Information donnée autrement que par la couleur',
    status: 'manual',
    how: 'Les erreurs sont dites par un texte et une icône, pas seulement en rouge.',
  },
  {
    id: '3.2',
    topic: 'Contraste du texte',
    status: 'tested',
    how: 'Chaque page est passée au moteur axe-core (règle de contraste), en thème clair et en thème sombre.',
  },
  {
    id: '3.3',
    topic: 'Contraste des composants d’interface',
    status: 'manual',
    how: 'Bordures des champs, cases à cocher, contour du focus : couleurs du Système de design de l’État, à vérifier dans les deux thèmes.',
  },
  // Multimedia: the spoken security code is the service's only sound.
  {
    id: '4.1',
    topic: 'Transcription des médias',
    status: 'manual',
    how: 'Le seul son du service est le code de sécurité : le transcrire le rendrait inutile ; il est doublé par l’image et par la cellule d’assistance.',
  },
  {
    id: '4.10',
    topic: 'Son déclenché automatiquement',
    status: 'tested',
    how: 'Le code audio ne se lance jamais seul : il reste à l’arrêt tant qu’on ne l’a pas lancé.',
  },
  {
    id: '4.11',
    topic: 'Média contrôlable au clavier',
    status: 'tested',
    how: 'Le lecteur du code audio est atteint et lancé au clavier seul (Tab, Espace) ; le fichier se télécharge avec la touche Entrée.',
  },
  {
    id: '4.13',
    topic: 'Média compatible avec les technologies d’assistance',
    status: 'tested',
    how: 'Le lecteur audio a un nom (« Écouter le code ») et une description dans l’arbre d’accessibilité.',
  },
  // Links
  {
    id: '6.1',
    topic: 'Liens explicites',
    status: 'manual',
    how: 'L’intitulé de chaque lien doit se comprendre hors contexte : jugement humain.',
  },
  { id: '6.2', topic: 'Intitulé des liens', status: 'tested', how: 'Moteur axe-core sur chaque page : chaque lien a un intitulé.' },
  // Scripts
  {
    id: '7.1',
    topic: 'Scripts compatibles avec les technologies d’assistance',
    status: 'tested',
    how: 'Dans l’arbre d’accessibilité : la case « Afficher » du mot de passe est nommée et dit son état ; après chaque mise à jour partielle de la page, le focus est sur le nouveau contenu.',
  },
  {
    id: '7.2',
    topic: 'Alternative aux scripts',
    status: 'tested',
    how: 'Chaque parcours est aussi fait de bout en bout avec JavaScript désactivé.',
  },
  {
    id: '7.3',
    topic: 'Scripts contrôlables au clavier',
    status: 'tested',
    how: 'Chaque parcours est fait au clavier seul, y compris afficher le mot de passe, changer de code de sécurité et copier l’identifiant.',
  },
  {
    id: '7.4',
    topic: 'Changements de contexte',
    status: 'manual',
    how: 'Seul l’envoi d’un formulaire, à la demande de l’usager, change de page.',
  },
  {
    id: '7.5',
    topic: 'Messages de statut',
    status: 'tested',
    how: 'Dans l’arbre d’accessibilité : le résumé des erreurs est une alerte qui reçoit le focus, le résultat de la copie un message de statut, le nouveau code de sécurité est annoncé.',
  },
  // Mandatory elements
  {
    id: '8.1',
    topic: 'Type de document',
    status: 'tested',
    how: 'Chaque page commence par la déclaration de son type de document (HTML).',
  },
  { id: '8.2', topic: 'Code source valide', status: 'manual', how: 'À vérifier avec un validateur HTML.' },
  { id: '8.3', topic: 'Langue par défaut', status: 'tested', how: 'Chaque page déclare la langue française (lang="fr").' },
  { id: '8.4', topic: 'Code de langue pertinent', status: 'tested', how: 'La langue déclarée est le français, celle de tout le contenu.' },
  { id: '8.5', topic: 'Titre de page', status: 'tested', how: 'Chaque page a un titre.' },
  {
    id: '8.6',
    topic: 'Titre de page pertinent',
    status: 'tested',
    how: 'Chaque page a un titre qui lui est propre et qui dit où l’on est, étape du parcours comprise (« Étape 2 sur 4 ») ; il commence par « Erreur » quand le formulaire en contient.',
  },
  { id: '8.7', topic: 'Changements de langue', status: 'manual', how: 'Tout le service est en français.' },
  { id: '8.9', topic: 'Balises utilisées pour leur sens', status: 'manual', how: 'Demande une relecture du code.' },
  // Structure
  {
    id: '9.1',
    topic: 'Titres de section',
    status: 'tested',
    how: 'Chaque page a un seul titre de niveau 1, et aucun niveau de titre n’est sauté ; leur pertinence reste à juger à la main.',
  },
  {
    id: '9.2',
    topic: 'Structure du document',
    status: 'manual',
    how: 'En-tête, contenu principal et pied de page sont balisés ; à confirmer avec un lecteur d’écran.',
  },
  { id: '9.3', topic: 'Listes', status: 'tested', how: 'Moteur axe-core sur chaque page : chaque liste est correctement structurée.' },
  // Presentation
  {
    id: '10.1',
    topic: 'Présentation par les feuilles de styles',
    status: 'tested',
    how: 'Aucune page n’utilise d’attribut ou de balise de présentation (style, align, font…).',
  },
  {
    id: '10.2',
    topic: 'Contenu présent sans feuilles de styles',
    status: 'manual',
    how: 'À vérifier en désactivant les styles.',
  },
  {
    id: '10.3',
    topic: 'Contenu compréhensible sans feuilles de styles',
    status: 'manual',
    how: 'À vérifier en désactivant les styles.',
  },
  {
    id: '10.4',
    topic: 'Texte agrandi à 200 %',
    status: 'tested',
    how: 'Chaque page est affichée avec une taille de texte doublée : aucun défilement horizontal, aucun texte coupé.',
  },
  {
    id: '10.7',
    topic: 'Focus visible',
    status: 'tested',
    how: 'À chaque appui sur Tab, l’élément qui reçoit le focus change visiblement (contour ou ombre) et reste dans la fenêtre.',
  },
  { id: '10.8', topic: 'Contenus cachés', status: 'manual', how: 'Les textes réservés aux lecteurs d’écran sont à relire un par un.' },
  {
    id: '10.11',
    topic: 'Affichage sur 320 pixels de large',
    status: 'tested',
    how: 'Chaque page est affichée à 320 pixels de large : aucun défilement horizontal, aucun texte coupé.',
  },
  {
    id: '10.12',
    topic: 'Espacement du texte',
    status: 'tested',
    how: 'Chaque page est affichée avec les espacements du critère (interligne 1,5 ; paragraphes 2 ; lettres 0,12 ; mots 0,16) : aucun texte coupé.',
  },
  // Forms
  { id: '11.1', topic: 'Étiquette des champs', status: 'tested', how: 'Moteur axe-core sur chaque page : chaque champ a une étiquette.' },
  { id: '11.2', topic: 'Étiquettes pertinentes', status: 'manual', how: 'Jugement humain.' },
  {
    id: '11.3',
    topic: 'Étiquettes cohérentes d’une page à l’autre',
    status: 'manual',
    how: 'Le code de sécurité porte la même étiquette sur chaque formulaire (un seul composant) ; les autres champs sont à relire.',
  },
  {
    id: '11.4',
    topic: 'Étiquette et champ accolés',
    status: 'manual',
    how: 'À vérifier sur les captures d’écran des tests, à 320 pixels comme en grand écran.',
  },
  {
    id: '11.5',
    topic: 'Champs de même nature regroupés',
    status: 'tested',
    how: 'Le code de sécurité et les identifiants de connexion forment chacun un groupe dans l’arbre d’accessibilité.',
  },
  {
    id: '11.6',
    topic: 'Légende des regroupements',
    status: 'tested',
    how: 'Chacun de ces groupes est nommé par sa légende (« Code de sécurité », « Vos identifiants de connexion »).',
  },
  {
    id: '11.9',
    topic: 'Intitulé des boutons',
    status: 'manual',
    how: 'Chaque bouton a un nom (axe-core) ; sa pertinence demande un jugement humain.',
  },
  {
    id: '11.10',
    topic: 'Contrôle de saisie',
    status: 'tested',
    how: 'Un envoi incomplet affiche un résumé des erreurs avec un lien vers chaque champ ; chaque champ en erreur est signalé invalide et décrit par son message.',
  },
  {
    id: '11.11',
    topic: 'Suggestions de correction',
    status: 'manual',
    how: 'Chaque message d’erreur donne le format attendu et un exemple ; à relire.',
  },
  {
    id: '11.12',
    topic: 'Données modifiables avant validation',
    status: 'manual',
    how: 'Un renouvellement se fait en deux temps : la demande, puis sa confirmation depuis le lien reçu par courriel.',
  },
  {
    id: '11.13',
    topic: 'Finalité des champs (remplissage automatique)',
    status: 'tested',
    how: 'Identifiant, mot de passe, adresse électronique et nom déclarent leur finalité (username, current-password, email, name).',
  },
  // Navigation
  {
    id: '12.1',
    topic: 'Deux systèmes de navigation',
    status: 'manual',
    how: 'Le service est fait de deux parcours (exemptés) ; l’aide et cette déclaration sont reliées depuis chaque page.',
  },
  { id: '12.2', topic: 'Menu et navigation à la même place', status: 'manual', how: 'Un seul gabarit pour toutes les pages.' },
  {
    id: '12.6',
    topic: 'Zones atteintes ou évitées',
    status: 'tested',
    how: 'Les liens d’accès rapide mènent au contenu et au pied de page ; ils sont testés au clavier.',
  },
  { id: '12.7', topic: 'Lien d’évitement', status: 'tested', how: 'Le premier appui sur Tab atteint le lien « Contenu », qui y mène.' },
  {
    id: '12.8',
    topic: 'Ordre de tabulation',
    status: 'tested',
    how: 'Tab parcourt tous les éléments interactifs dans l’ordre du document, Maj+Tab dans l’ordre inverse.',
  },
  {
    id: '12.9',
    topic: 'Pas de piège au clavier',
    status: 'tested',
    how: 'Depuis chaque page, Tab mène jusqu’au navigateur et revient au début ; aucun élément ne retient le focus.',
  },
  // Consultation
  {
    id: '13.1',
    topic: 'Limites de temps',
    status: 'not-met',
    how: 'Le code de sécurité expire au bout de quelques minutes (la durée est indiquée sous le champ), sans avertissement ni moyen de prolonger ce délai. S’il a expiré à l’envoi, le formulaire le dit, garde ce qui a été saisi et affiche un nouveau code. Le lien reçu par courriel expire au bout d’une heure : cette limite protège le compte.',
  },
  { id: '13.2', topic: 'Pas de nouvelle fenêtre', status: 'tested', how: 'Aucun lien n’ouvre de nouvelle fenêtre.' },
  {
    id: '13.9',
    topic: 'Orientation de l’écran',
    status: 'manual',
    how: 'Les pages s’adaptent à la largeur ; à vérifier sur un téléphone, en portrait et en paysage.',
  },
];

/**
 * The screens the browser checks visit, in the order of a visit (test/browser/accessibility.test.ts
 * asserts it saw each one): the declaration lists them as the pages checked.
 */
export const SCREENS = [
  { id: 'connexion', name: 'Connexion' },
  { id: 'connexion-refusee', name: 'Connexion refusée' },
  { id: 'aide', name: 'Aide et contact' },
  { id: 'aide-erreurs', name: 'Aide et contact, formulaire en erreur' },
  { id: 'aide-message-envoye', name: 'Message envoyé' },
  { id: 'accessibilite', name: 'Déclaration d’accessibilité' },
  { id: 'identifiant-demande', name: 'Identifiant perdu, étape 1 : la demande' },
  { id: 'identifiant-demande-erreurs', name: 'Identifiant perdu, étape 1 : la demande en erreur' },
  { id: 'identifiant-confirmation', name: 'Identifiant perdu, étape 2 : demande enregistrée' },
  { id: 'identifiant-lien', name: 'Identifiant perdu, étape 3 : la confirmation' },
  { id: 'identifiant-lien-erreur', name: 'Identifiant perdu, étape 3 : mot de passe incorrect' },
  { id: 'identifiant-nouvel-identifiant', name: 'Identifiant perdu, étape 4 : le nouvel identifiant' },
  { id: 'identifiant-lien-deja-utilise', name: 'Lien déjà utilisé' },
  { id: 'mot-de-passe-demande', name: 'Mot de passe perdu, étape 1 : la demande' },
  { id: 'mot-de-passe-confirmation', name: 'Mot de passe perdu, étape 2 : demande enregistrée' },
  { id: 'mot-de-passe-lien', name: 'Mot de passe perdu, étape 3 : la confirmation' },
  { id: 'mot-de-passe-envoye', name: 'Mot de passe perdu, étape 4 : mot de passe envoyé par SMS' },
  { id: 'espace', name: 'Espace consulaire, une fois connecté' },
  { id: 'page-introuvable', name: 'Page introuvable' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];
