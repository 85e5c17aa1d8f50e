/** `npm run seed`: creates (or resets) the demo accounts and prints their credentials. */
import { connectRegistry } from '../adapters/registry.js';
import { loadConfig } from '../config/index.js';
import { seedDemoAccounts } from './seed-accounts.js';

const config = loadConfig();
const registry = await connectRegistry(config.mongo.uri, config.mongo.database);
try {
  const accounts = await seedDemoAccounts(registry);
  console.log('Comptes de démonstration (mots de passe publics, pour la démonstration seulement) :\n');
  console.table(accounts.map(({ numic, email, phone, identifier, password }) => ({ NUMIC: numic, courriel: email, téléphone: phone, identifiant: identifier, 'mot de passe (SMS)': password })));
} finally {
  await registry.close();
}
