/**
 * French copy of the emails and SMS the citizen receives (the page copy is in pages.ts).
 * Each message has a plain-text and an HTML part with the same words.
 */
const SERVICE = 'Service des Français à l’étranger';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function html(paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const button = link
    ? `<p><a href="${escapeHtml(link.href)}" style="background:#000091;color:#fff;padding:12px 16px;text-decoration:none">${escapeHtml(link.label)}</a></p>\n<p>${escapeHtml('Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :')}<br>${escapeHtml(link.href)}</p>`
    : '';
  return `<!doctype html><html lang="fr"><body style="font-family:Marianne,Arial,sans-serif">\n${body}\n${button}\n<p>${SERVICE}</p></body></html>`;
}

function durationInWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 60 === 0) return minutes === 60 ? '1 heure' : `${minutes / 60} heures`;
  return `${minutes} minutes`;
}

export function renewalLinkEmail(link: string, validForMs: number) {
  const intro = [
    'Bonjour,',
    'Vous avez demandé un nouvel identifiant pour votre espace consulaire.',
    `Pour continuer, ouvrez le lien ci-dessous. Il est valable ${durationInWords(validForMs)} et ne sert qu’une seule fois. Vous aurez besoin du mot de passe que vous avez reçu par SMS.`,
  ];
  const outro = 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre identifiant actuel reste valable.';
  return {
    subject: 'Votre demande de nouvel identifiant',
    text: [...intro, link, outro, SERVICE].join('\n\n'),
    html: html([...intro, outro], { href: link, label: 'Choisir mon nouvel identifiant' }),
  };
}

export function identifierChangedEmail(helpdeskEmail: string) {
  const paragraphs = [
    'Bonjour,',
    'L’identifiant de votre espace consulaire vient d’être renouvelé. L’ancien identifiant ne fonctionne plus.',
    'Votre mot de passe n’a pas changé.',
    `Si vous n’êtes pas à l’origine de ce changement, contactez sans attendre la cellule d’assistance : ${helpdeskEmail}.`,
  ];
  return {
    subject: 'Votre identifiant a été renouvelé',
    text: [...paragraphs, SERVICE].join('\n\n'),
    html: html(paragraphs),
  };
}

export const identifierChangedSms = (): string =>
  'Consulat de France : l’identifiant de votre espace consulaire vient d’être renouvelé. Si vous n’êtes pas à l’origine de ce changement, contactez la cellule d’assistance.';
