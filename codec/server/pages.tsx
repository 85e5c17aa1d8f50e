/** The codec server's only pages, for operators: open or close a decoding session in a browser. */
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';

const parisTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' });

function Page({ title, children }: { title: string; children: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="fr">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{title} – serveur de décodage Temporal</title>
        </head>
        <body>
          <main>
            <h1>{title}</h1>
            {children}
          </main>
        </body>
      </html>
    </>
  );
}

export const WRONG_TOKEN = 'Jeton incorrect.';

export function LoginPage({ error, uiOrigin }: { error?: string; uiOrigin: string }) {
  return (
    <Page title="Décodage des données dans l’interface Temporal">
      <p>
        Les données des renouvellements sont chiffrées dans Temporal. Saisissez le jeton du serveur de décodage (variable{' '}
        <code>CODEC_SERVER_TOKEN</code>) pour que l’interface Temporal (<code>{uiOrigin}</code>) les affiche en clair dans ce navigateur.
      </p>
      {error ? (
        <p role="alert">
          <strong>{error}</strong>
        </p>
      ) : null}
      <form method="post" action="/connexion">
        <label for="jeton">Jeton du serveur de décodage</label>
        <input id="jeton" name="jeton" type="password" autocomplete="off" required />
        <button type="submit">Ouvrir une session de décodage</button>
      </form>
      <p>
        Dans l’interface Temporal, réglage « Codec Server » : cochez « Include cross-origin credentials » (déjà réglé dans docker compose).
      </p>
    </Page>
  );
}

export function LoggedInPage({ expiresAt, uiOrigin }: { expiresAt: Date; uiOrigin: string }) {
  return (
    <Page title="Session de décodage ouverte">
      <p>Ce navigateur peut afficher les données en clair jusqu’au {parisTime.format(expiresAt)} (heure de Paris).</p>
      <p>
        <a href={uiOrigin}>Retour à l’interface Temporal</a>
      </p>
      <form method="post" action="/deconnexion">
        <button type="submit">Fermer la session</button>
      </form>
    </Page>
  );
}

export function LoggedOutPage() {
  return (
    <Page title="Session de décodage fermée">
      <p>
        <a href="/connexion">Ouvrir une nouvelle session</a>
      </p>
    </Page>
  );
}
