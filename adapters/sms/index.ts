import type { Config } from '../../config/index.js';
import { createDevSmsProvider } from './dev-provider.js';
import { createHttpSmsProvider } from './http-provider.js';
import type { SmsProvider } from './provider.js';

export type { Sms, SmsProvider } from './provider.js';

export function createSmsProvider(sms: Config['sms']): SmsProvider {
  return sms.provider === 'http' ? createHttpSmsProvider(sms) : createDevSmsProvider(sms.dir);
}
