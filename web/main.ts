/** The web process: configuration → dependencies → app → HTTP server, stopped cleanly on SIGINT/SIGTERM. */
import { serve } from '@hono/node-server';
import { loadWebConfig } from '../config/index.js';
import { createLogger } from '../config/logger.js';
import { startProcess } from '../config/startup.js';
import { createApp } from './app.js';
import { connectWebDependencies } from './dependencies.js';

const { config, logger, deps } = await startProcess('web', async () => {
  const config = loadWebConfig();
  const logger = createLogger(config, 'web');
  return { config, logger, deps: await connectWebDependencies(config, logger) };
});
const app = createApp(deps);

const server = serve({ fetch: app.fetch, hostname: config.web.host, port: config.web.port }, (info) => {
  logger.info({ address: info.address, port: info.port, publicBaseUrl: config.web.publicBaseUrl }, 'web server listening');
});

let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'web server stopping');
  // Stop accepting connections, let requests in flight finish, then close the clients.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  if ('closeIdleConnections' in server) server.closeIdleConnections();
  const forced = setTimeout(() => {
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, 10_000);
  forced.unref();
  await closed;
  await deps.close();
  logger.info('web server stopped');
  process.exit(0);
}
process.on('SIGINT', (s) => void stop(s));
process.on('SIGTERM', (s) => void stop(s));
