/**
 * `npm run generate-secrets`: prints a fresh set of every secret the processes use, in .env form, to
 * paste into a deployment's secrets (docker compose's .env). The field seal keys come as a matching
 * X25519 pair: the private one is the worker's alone, the public one the web's.
 */
import { freshProductionSecrets } from '../config/secrets.js';

for (const [name, value] of Object.entries(freshProductionSecrets())) console.log(`${name}=${value}`);
