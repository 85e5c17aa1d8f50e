import { describe, expect, it } from 'vitest';
import { CODE, HELP } from '../../copy/pages.js';
import { renderEmail } from '../../adapters/mail-layout.js';
import { createApp } from '../../web/app.js';
import { fakeDeps, routeTestConfig } from '../support/fakes.js';
import { PageClient, textOf } from '../support/page-client.js';

async function helpPage(overrides: Parameters<typeof fakeDeps>[0] = {}) {
  const deps = await fakeDeps(overrides);
  const client = new PageClient(createApp(deps));
  const page = await client.get('/aide');
  return { deps, client, page };
}

const message = {
  nom: 'Camille Martin',
  courriel: 'camille.martin@example.org',
  numic: '2026000001',
  message: 'Je ne reçois pas le courriel <b>de renouvellement</b>.',
};

describe('AIDE: help page and contact form', () => {
  it('shows answers and a contact form with a security code', async () => {
    const { page } = await helpPage();
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain(HELP.formTitle);
    for (const item of HELP.faq) expect(text).toContain(item.question);
    expect(page.html).toContain('id="code-securite-help"');
    expect(page.html).toContain('<textarea');
  });

  it('emails the help desk address from the configuration, with the citizen’s words escaped in HTML', async () => {
    const { client, deps } = await helpPage();
    const res = await client.post('/aide', { ...message, code: await client.captchaAnswer('help') });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/aide/message-envoye');
    expect(deps.mailer.sent).toHaveLength(1);
    const sent = deps.mailer.sent[0]!;
    expect(sent.to).toBe(deps.helpdeskEmail);
    expect(sent.subject).toContain('Camille Martin');
    expect(sent.replyTo).toBe('camille.martin@example.org');
    const { text, html } = renderEmail(sent);
    expect(text).toContain('camille.martin@example.org');
    expect(text).toContain('2026000001');
    expect(html).toContain('&lt;b&gt;de renouvellement&lt;/b&gt;');
    expect(html).not.toContain('<b>');
    const done = await client.get('/aide/message-envoye');
    expect(textOf(done.html)).toContain(HELP.sent);
  });

  it('validates every field in French and keeps what was typed', async () => {
    const { client, deps } = await helpPage();
    const page = await client.post('/aide', { nom: '', courriel: 'pas-une-adresse', numic: '12', message: 'court', code: '' });
    expect(page.status).toBe(422);
    const text = textOf(page.html);
    for (const error of [
      HELP.errors.nameRequired,
      HELP.errors.emailFormat,
      HELP.errors.numicFormat,
      HELP.errors.messageTooShort,
      CODE.errors.required,
    ]) {
      expect(text).toContain(error);
    }
    expect(page.html).toContain('value="pas-une-adresse"');
    expect(page.html).toContain('>court</textarea>');
    expect(deps.mailer.sent).toHaveLength(0);
  });

  it('keeps the subject on one line and accepts a long message in curly quotes', async () => {
    const { client, deps } = await helpPage();
    const res = await client.post('/aide', {
      ...message,
      nom: 'Camille\r\nBcc: autre@example.org',
      message: '’'.repeat(2000),
      code: await client.captchaAnswer('help'),
    });
    expect(res.status).toBe(303);
    expect(deps.mailer.sent[0]!.subject).toBe('Demande d’assistance – Camille Bcc: autre@example.org');
  });

  it('accepts a message without NUMIC', async () => {
    const { client, deps } = await helpPage();
    const res = await client.post('/aide', { ...message, numic: '', code: await client.captchaAnswer('help') });
    expect(res.status).toBe(303);
    expect(renderEmail(deps.mailer.sent[0]!).text).toContain('NUMIC : non indiqué');
  });

  it('says so when the message cannot be sent, and keeps it', async () => {
    const { client, deps } = await helpPage();
    deps.mailer.failing = true;
    const page = await client.post('/aide', { ...message, code: await client.captchaAnswer('help') });
    expect(page.status).toBe(503);
    expect(textOf(page.html)).toContain(HELP.sendFailed);
    expect(page.html).toContain('value="Camille Martin"');
  });

  it('is rate-limited per client address', async () => {
    const config = routeTestConfig({ RATE_LIMIT_PER_IP: '2' });
    const { client } = await helpPage({ config });
    expect((await client.post('/aide', { ...message, code: await client.captchaAnswer('help') })).status).toBe(303);
    await client.get('/aide');
    expect((await client.post('/aide', { ...message, code: await client.captchaAnswer('help') })).status).toBe(303);
    await client.get('/aide');
    expect((await client.post('/aide', { ...message, code: await client.captchaAnswer('help') })).status).toBe(429);
  });
});
