/**
 * The SMS provider of the chaos stack, inside the driver: the JSON API the product's HTTP provider
 * calls (adapters/sms/http-provider.ts: `POST /send {to, text}`, a bearer token, an Idempotency-Key
 * header). It records every call, delivers a message once per idempotency key (as providers that
 * take the header do: a retried send with the same key is answered 200 and not delivered again),
 * and can be told to fail (503) for a while.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface SmsCall {
  /** ms since the run's clock origin (performance.now() of the driver). */
  atMs: number;
  status: number;
  to?: string;
  idempotencyKey?: string;
  /** 'delivered', 'repeated' (same key as a delivered one), 'failing' (503 window) or why it was refused. */
  outcome: 'delivered' | 'repeated' | 'failing' | 'unauthorised' | 'malformed';
}

export interface DeliveredSms {
  atMs: number;
  to: string;
  text: string;
  idempotencyKey: string;
}

const MAX_BODY = 16 * 1024;

export class SmsGateway {
  readonly calls: SmsCall[] = [];
  readonly delivered: DeliveredSms[] = [];
  private readonly keys = new Set<string>();
  private failingUntil = 0;
  private readonly waiters = new Set<() => void>();
  private server: Server | undefined;

  constructor(
    private readonly token: string,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async listen(port: number, host = '127.0.0.1'): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  /** Answers 503 to every send for `ms` from now. */
  failFor(ms: number): void {
    this.failingUntil = this.clock() + ms;
  }

  /** Ends a failure window now. */
  recover(): void {
    this.failingUntil = 0;
  }

  get failing(): boolean {
    return this.clock() < this.failingUntil;
  }

  /** Resolves at the next delivered message (or after `timeoutMs`), so a citizen waits on a condition. */
  nextDelivery(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  deliveredTo(phone: string): DeliveredSms[] {
    return this.delivered.filter((sms) => sms.to === phone);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }

  private answer(res: ServerResponse, call: SmsCall, body: object) {
    this.calls.push(call);
    res.writeHead(call.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const atMs = this.clock();
    if (req.method !== 'POST' || req.url !== '/send') {
      res.writeHead(404).end();
      return;
    }
    let raw = '';
    for await (const chunk of req) {
      raw += String(chunk);
      if (raw.length > MAX_BODY) return this.answer(res, { atMs, status: 413, outcome: 'malformed' }, { error: 'too large' });
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return this.answer(res, { atMs, status: 401, outcome: 'unauthorised' }, { error: 'unauthorised' });
    }
    let message: { to?: unknown; text?: unknown };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return this.answer(res, { atMs, status: 400, outcome: 'malformed' }, { error: 'not JSON' });
    }
    const key = req.headers['idempotency-key'];
    if (typeof message.to !== 'string' || typeof message.text !== 'string' || typeof key !== 'string' || !key) {
      return this.answer(res, { atMs, status: 400, outcome: 'malformed' }, { error: 'to, text and Idempotency-Key are required' });
    }
    const call = { atMs, to: message.to, idempotencyKey: key };
    if (this.failing) return this.answer(res, { ...call, status: 503, outcome: 'failing' }, { error: 'temporarily unavailable' });
    if (this.keys.has(key)) return this.answer(res, { ...call, status: 200, outcome: 'repeated' }, { status: 'already sent' });
    this.keys.add(key);
    this.delivered.push({ atMs, to: message.to, text: message.text, idempotencyKey: key });
    this.answer(res, { ...call, status: 200, outcome: 'delivered' }, { status: 'sent' });
    for (const wake of [...this.waiters]) wake();
  }
}
