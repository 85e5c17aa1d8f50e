/** The codec server process: wires configuration to the app and listens until told to stop. */
import { serve } from '@hono/node-server';
import { AesGcmCodec } from '../aes-gcm-codec.js';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../config/logger.js';
import { createCodecServerApp } from './app.js';

const config = loadConfig();
const logger = createLogger(config, 'codec-server');
const { host, port, token, corsOrigin } = config.codecServer;

const app = createCodecServerApp({
  codec: new AesGcmCodec(config.payloadCodec),
  token,
  corsOrigin,
  secureCookies: config.web.secureCookies,
  logger,
});

const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
  logger.info({ url: `http://${host}:${info.port}`, corsOrigin }, 'codec server listening');
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => {
      logger.info('codec server stopped');
      process.exit(0);
    });
  });
}
