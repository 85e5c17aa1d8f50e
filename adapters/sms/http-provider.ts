import type { Sms, SmsProvider } from './provider.js';

export interface HttpSmsOptions {
  url: string;
  token?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A provider reached by an HTTPS JSON API: `POST url {to, text}` with a bearer token. */
export function createHttpSmsProvider({ url, token, timeoutMs, fetch: doFetch = fetch }: HttpSmsOptions): SmsProvider {
  return {
    async send({ to, text, idempotencyKey }: Sms) {
      const response = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': idempotencyKey,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`SMS provider answered HTTP ${response.status}`);
    },
  };
}
