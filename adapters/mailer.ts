import nodemailer from 'nodemailer';
import type { Config } from '../config/index.js';

export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per logical email, so a retried send is recognisable as the same message. */
  messageId?: string;
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
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(email) {
      await transport.sendMail({ from: smtp.from, ...email });
    },
    close: () => transport.close(),
  };
}
