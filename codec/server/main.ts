/** The codec server process: wires configuration to the app and listens until told to stop. */
import { serve } from '@hono/node-server';
import { AesGcmCodec } from '../aes-gcm-codec.js';
import { loadCodecServerConfig } from '../../config/index.js';
import { createLogger } from '../../config/logger.js';
import { startProcess } from '../../config/startup.js';
import { createCodecServerApp } from './app.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const { config, logger } = await startProcess('codec-server', async () => {
  const config = loadCodecServerConfig();
  return { config, logger: createLogger(config, 'codec-server') };
});
const { host, port, token, corsOrigin, secureCookies } = config.codecServer;
// On the embedded setup only (a loopback address outside production), the UI decodes with no session.
const openToUi = !config.production && LOOPBACK.has(host) && LOOPBACK.has(new URL(corsOrigin).hostname);

const app = createCodecServerApp({ codec: new AesGcmCodec(config.payloadCodec), token, corsOrigin, secureCookies, openToUi, logger });

const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  logger.info({ url: `http://${host}:${info.port}`, corsOrigin, openToUi }, 'codec server listening');
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => {
      logger.info('codec server stopped');
      process.exit(0);
    });
  });
}
