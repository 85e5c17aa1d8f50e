/** The codec server's only pages, for operators: open or close a decoding session in a browser. */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

const parisTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

function layout(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} – serveur de décodage Temporal</title>
      </head>
      <body>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`;
}

export function loginPage(opts: { error?: string; uiOrigin: string }) {
  return layout(
    'Décodage des données dans l’interface Temporal',
    html`<p>
        Les données des renouvellements sont chiffrées dans Temporal. Saisissez le jeton du serveur de décodage (variable
        <code>CODEC_SERVER_TOKEN</code>) pour que l’interface Temporal (<code>${opts.uiOrigin}</code>) les affiche en clair dans ce
        navigateur.
      </p>
      ${opts.error ? html`<p role="alert"><strong>${opts.error}</strong></p>` : ''}
      <form method="post" action="/connexion">
        <label for="jeton">Jeton du serveur de décodage</label>
        <input id="jeton" name="jeton" type="password" autocomplete="off" required />
        <button type="submit">Ouvrir une session de décodage</button>
      </form>
      <p>
        Dans l’interface Temporal, réglage « Codec Server » : cochez « Include cross-origin credentials » (déjà réglé dans docker compose).
      </p>`,
  );
}

export function loggedInPage(expiresAt: Date, uiOrigin: string) {
  return layout(
    'Session de décodage ouverte',
    html`<p>Ce navigateur peut afficher les données en clair jusqu’au ${parisTime.format(expiresAt)} (heure de Paris).</p>
      <p><a href="${uiOrigin}">Retour à l’interface Temporal</a></p>
      <form method="post" action="/deconnexion"><button type="submit">Fermer la session</button></form>`,
  );
}

export function loggedOutPage() {
  return layout('Session de décodage fermée', html`<p><a href="/connexion">Ouvrir une nouvelle session</a></p>`);
}

export const WRONG_TOKEN = 'Jeton incorrect.';
