import { ACCOUNT_HOME } from '../../copy/pages.js';
import { PATHS } from '../../domain/paths.js';
import { Form } from './components.js';
import { Layout } from './layout.js';

export function AccountView({ identifier, csrfToken }: { identifier: string; csrfToken: string }) {
  return (
    <Layout title={ACCOUNT_HOME.title}>
      <h1>{ACCOUNT_HOME.title}</h1>
      <div class="fr-alert fr-alert--success fr-mb-4w">
        <p>{ACCOUNT_HOME.connected}</p>
      </div>
      <p>
        {ACCOUNT_HOME.identifierIs} <strong data-testid="identifiant-connecte">{identifier}</strong>
      </p>
      <Form action={PATHS.logout} csrfToken={csrfToken} id="formulaire-deconnexion">
        <button class="fr-btn fr-btn--secondary fr-btn--icon-left fr-icon-logout-box-r-line form-submit" type="submit">
          {ACCOUNT_HOME.logout}
        </button>
      </Form>
    </Layout>
  );
}
