/** nodemailer through Mailpit's SMTP, read back through Mailpit's HTTP API. */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { expect, it } from 'vitest';
import { testConfig } from '../support/config.js';
import { listMessages, waitForMessage } from '../support/mailpit.js';

it('sends a message over SMTP and reads it back through the API', async () => {
  const config = testConfig();
  const { smtp } = config;
  const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: smtp.secure, auth: smtp.auth });
  const to = `infra-${randomUUID()}@example.org`;
  try {
    await transport.sendMail({
      from: smtp.from,
      to,
      subject: 'Essai de remise — Mailpit',
      text: 'Bonjour Marianne,\nceci est un essai.',
      html: '<p>Bonjour Marianne,<br>ceci est un <strong>essai</strong>.</p>',
    });
  } finally {
    transport.close();
  }

  const message = await waitForMessage(config, { to });
  expect(message.to).toEqual([to]);
  expect(message.subject).toBe('Essai de remise — Mailpit');
  expect(message.text).toContain('ceci est un essai.');
  expect(message.html).toContain('<strong>essai</strong>');
  expect(await listMessages(config, { to, subject: 'Essai de remise' })).toHaveLength(1);
});
