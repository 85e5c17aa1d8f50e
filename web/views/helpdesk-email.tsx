import { raw } from 'hono/html';

/** The HTML part of the message to the help desk: the citizen's words, escaped, one paragraph each. */
export function HelpdeskEmail({ lines }: { lines: string[] }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="fr">
        <body style="font-family:Marianne,Arial,sans-serif">
          {lines.map((line) => (
            <p style="white-space:pre-wrap">{line}</p>
          ))}
        </body>
      </html>
    </>
  );
}
