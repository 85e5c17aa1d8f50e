export interface Sms {
  to: string;
  text: string;
  /** Same key for a retried send of the same message, for providers that deduplicate. */
  idempotencyKey: string;
}

/** Sends an SMS or throws; retries belong to the calling activity. */
export interface SmsProvider {
  send(sms: Sms): Promise<void>;
}
