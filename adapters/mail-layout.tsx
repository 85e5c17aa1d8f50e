/**
 * An email's two parts from its words (copy/emails.ts): plain text, and HTML rendered with hono/jsx
 * like the pages, so every value is escaped by the renderer. Inline styles: mail clients ignore
 * stylesheets.
 */
import { raw } from 'hono/html';
import { SERVICE, type EmailContent } from '../copy/emails.js';

const LINK_FALLBACK = 'Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :';

function EmailHtml({ paragraphs, link }: EmailContent) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="fr">
        <body style="font-family:Marianne,Arial,sans-serif">
          {paragraphs.map((p) => (
            <p style="white-space:pre-wrap">{p}</p>
          ))}
          {link ? (
            <>
              <p>
                <a href={link.href} style="background:#000091;color:#fff;padding:12px 16px;text-decoration:none">
                  {link.label}
                </a>
              </p>
              <p>
                {LINK_FALLBACK}
                <br />
                {link.href}
              </p>
            </>
          ) : null}
          <p>{SERVICE}</p>
        </body>
      </html>
    </>
  );
}

export function renderEmail(content: EmailContent): { subject: string; text: string; html: string } {
  const text = [...content.paragraphs, ...(content.link ? [content.link.href] : []), SERVICE].join('\n\n');
  return { subject: content.subject, text, html: String(<EmailHtml {...content} />) };
}
