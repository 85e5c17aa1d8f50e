import { loadConfig, type Config } from '../../config/index.js';

/** The configuration the tests run with (test ports and data folder, set up by test/global-setup.ts). */
export const testConfig = (overrides: Record<string, string> = {}): Config => loadConfig({ ...process.env, ...overrides });
