import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from './index.js';

/**
 * What a form or a request may carry that must never reach a log, by field name (English and the
 * French names of the forms), at the top level or one level down (`form.motDePasse`, `req.headers.cookie`).
 */
const SECRET_FIELDS = [
  'password',
  'motDePasse',
  'secret',
  'token',
  'jeton',
  'code',
  'captcha',
  '_csrf',
  'cookie',
  'authorization',
  'sealedSecret',
  'sealedPassword',
];

/** Structured logs. Fields that could carry a secret are redacted even if someone logs them by mistake. */
export function createLogger(config: Pick<Config, 'logLevel'>, name: string, destination?: DestinationStream): Logger {
  const options = {
    name,
    level: config.logLevel,
    redact: {
      paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`), 'req.headers.cookie', 'req.headers.authorization'],
      censor: '[secret]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
