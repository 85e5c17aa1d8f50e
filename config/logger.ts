import { pino, type Logger } from 'pino';
import type { Config } from './index.js';

/**
 * Structured logs. Fields that could carry a secret are redacted even if someone logs them by
 * mistake: passwords, link tokens, captcha answers, cookies.
 */
export function createLogger(config: Pick<Config, 'logLevel'>, name: string): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'secret',
        '*.secret',
        'captcha',
        '*.captcha',
        'req.headers.cookie',
        'headers.cookie',
      ],
      censor: '[secret]',
    },
  });
}
