import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sms, SmsProvider } from './provider.js';

export interface DevSms extends Sms {
  sentAt: string;
}

/**
 * Development provider: messages go to `<dir>/outbox.jsonl`, one JSON object a line, where a
 * person (or a test) reads them. Never used in production.
 */
export function createDevSmsProvider(dir: string): SmsProvider & { read(): Promise<DevSms[]> } {
  const file = join(dir, 'outbox.jsonl');
  return {
    async send(sms) {
      await mkdir(dir, { recursive: true });
      const entry: DevSms = { ...sms, sentAt: new Date().toISOString() };
      await appendFile(file, `${JSON.stringify(entry)}\n`, 'utf8');
    },
    async read() {
      const content = await readFile(file, 'utf8').catch(() => '');
      return content
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as DevSms);
    },
  };
}
