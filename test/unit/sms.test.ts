import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDevSmsProvider } from '../../adapters/sms/dev-provider.js';
import { createHttpSmsProvider } from '../../adapters/sms/http-provider.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A real HTTP endpoint on loopback standing in for the provider's API. */
async function provider(answer: (req: IncomingMessage, body: string) => { status: number; delayMs?: number }) {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const { status, delayMs = 0 } = answer(req, body);
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/sms`, received };
}

const sms = { to: '+33612345678', text: 'Bonjour', idempotencyKey: 'renouvellement-x/1:sms' };

describe('HTTP SMS provider', () => {
  it('posts the message with the bearer token and an idempotency key', async () => {
    const { url, received } = await provider(() => ({ status: 202 }));
    await createHttpSmsProvider({ url, token: 'jeton', timeoutMs: 2_000 }).send(sms);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ to: sms.to, text: sms.text });
    expect(received[0]!.headers).toMatchObject({ authorization: 'Bearer jeton', 'idempotency-key': sms.idempotencyKey });
  });

  it('fails on an error status so the activity retries', async () => {
    const { url } = await provider(() => ({ status: 503 }));
    await expect(createHttpSmsProvider({ url, timeoutMs: 2_000 }).send(sms)).rejects.toThrow(/503/);
  });

  it('gives up after its timeout', async () => {
    const { url } = await provider(() => ({ status: 200, delayMs: 1_000 }));
    await expect(createHttpSmsProvider({ url, timeoutMs: 100 }).send(sms)).rejects.toThrow();
  });
});

describe('development SMS provider', () => {
  it('keeps each message where a person can read it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-'));
    const dev = createDevSmsProvider(dir);
    await dev.send(sms);
    expect(await dev.read()).toEqual([expect.objectContaining({ to: sms.to, text: sms.text })]);
  });
});
