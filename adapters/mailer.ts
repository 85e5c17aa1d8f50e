import nodemailer from 'nodemailer';
import type { EmailContent } from '../copy/emails.js';
import type { Config } from '../config/index.js';
import { renderEmail } from './mail-layout.js';

export interface Email extends EmailContent {
  to: string;
  replyTo?: string;
}

export interface Mailer {
  send(email: Email): Promise<void>;
  close(): void;
}

export function createSmtpMailer(smtp: Config['smtp']): Mailer {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.auth,
    // A few kept-open connections instead of a connect, greeting and (with TLS) handshake per
    // email; a broken one is dropped and the activity's retry opens another.
    pool: true,
    maxConnections: 4,
    // Within the activity's 15 s (workflows/credential-renewal.ts): a stuck server fails the attempt, which is retried.
    connectionTimeout: 4_000,
    greetingTimeout: 4_000,
    socketTimeout: 6_000,
  });
  return {
    async send({ to, replyTo, ...content }) {
      try {
        await transport.sendMail({ from: smtp.from, to, replyTo, ...renderEmail(content) });
      } catch (err) {
        // The server's answer may quote the recipient: the error says only how it failed, so that
        // no address reaches a log or a workflow history.
        const { code, responseCode } = err as { code?: string; responseCode?: number };
        // eslint-disable-next-line preserve-caught-error -- the cause is what must not travel
        throw new Error(`the SMTP server did not take the message (${responseCode ?? code ?? 'no answer'})`);
      }
    },
    close: () => transport.close(),
  };
}
