/** `npm run seed`: creates or resets the demo accounts (a fresh identifier each) and prints their credentials. */
import { connectRegistry } from '../../adapters/registry.js';
import { loadConfig } from '../../config/index.js';
import { printDemoAccounts, seedDemoAccounts } from './seed-accounts.js';

const config = loadConfig();
const registry = await connectRegistry(config.mongo.uri, config.mongo.database);
try {
  printDemoAccounts(await seedDemoAccounts(registry));
} finally {
  await registry.close();
}
