/** `npm run seed`: creates or resets the demo accounts (a fresh identifier each) and prints their credentials. Never in production. */
import { connectRegistry } from '../../adapters/registry.js';
import { loadSeedConfig } from '../../config/index.js';
import { startProcess } from '../../config/startup.js';
import { NotADemoAccountError, printDemoAccounts, seedDemoAccounts } from './seed-accounts.js';

const config = await startProcess('seed', async () => loadSeedConfig());
const registry = await connectRegistry(config.mongo.uri, config.mongo.database);
try {
  printDemoAccounts(await seedDemoAccounts(registry));
} catch (err) {
  if (!(err instanceof NotADemoAccountError)) throw err;
  console.error(`[seed] ${err.message}`);
  process.exitCode = 1;
} finally {
  await registry.close();
}
