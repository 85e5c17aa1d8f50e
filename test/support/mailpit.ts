/**
 * Reads the mail that reached the test Mailpit, through its HTTP API (/api/v1). Waiting polls with a
 * deadline: no fixed sleeps.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../../config/index.js';

type MailConfig = Pick<Config, 'smtp'>;

export interface MailpitMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  date: string;
  text: string;
  html: string;
}

export interface MessageFilter {
  /** Exact recipient address (case-insensitive). */
  to?: string;
  /** Part of the subject. */
  subject?: string;
}

interface Address {
  Name: string;
  Address: string;
}
interface Summary {
  ID: string;
  To: Address[] | null;
  Subject: string;
}

const baseUrl = (config: MailConfig) => `http://127.0.0.1:${config.smtp.mailpitUiPort}/api/v1`;

async function api<T>(config: MailConfig, path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${baseUrl(config)}${path}`, init);
  if (!response.ok) throw new Error(`Mailpit ${init?.method ?? 'GET'} ${path}: HTTP ${response.status} ${await response.text()}`);
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const matches = (summary: Summary, filter: MessageFilter) =>
  (!filter.to || (summary.To ?? []).some((a) => a.Address.toLowerCase() === filter.to!.toLowerCase())) &&
  (!filter.subject || summary.Subject.includes(filter.subject));

/** The summaries of the matching messages, newest first. */
async function search(config: MailConfig, filter: MessageFilter): Promise<Summary[]> {
  const path = filter.to ? `/search?limit=1000&query=${encodeURIComponent(`to:"${filter.to}"`)}` : '/messages?limit=1000';
  const { messages } = await api<{ messages: Summary[] }>(config, path);
  return messages.filter((m) => matches(m, filter));
}

/** One message with its text and HTML bodies. */
export async function getMessage(config: MailConfig, id: string): Promise<MailpitMessage> {
  const m = await api<{ ID: string; From: Address; To: Address[] | null; Subject: string; Date: string; Text: string; HTML: string }>(
    config,
    `/message/${encodeURIComponent(id)}`,
  );
  return {
    id: m.ID,
    from: m.From.Address,
    to: (m.To ?? []).map((a) => a.Address),
    subject: m.Subject,
    date: m.Date,
    text: m.Text,
    html: m.HTML,
  };
}

/** The matching messages, newest first, with their bodies. */
export async function listMessages(config: MailConfig, filter: MessageFilter = {}): Promise<MailpitMessage[]> {
  const summaries = await search(config, filter);
  return Promise.all(summaries.map((s) => getMessage(config, s.ID)));
}

/**
 * Waits until at least `count` matching messages arrived (default 1), then returns them all, newest
 * first. Fails after `timeoutMs` saying how many arrived.
 */
export async function waitForMessages(
  config: MailConfig,
  { count = 1, timeoutMs = 20_000, ...filter }: MessageFilter & { count?: number; timeoutMs?: number },
): Promise<MailpitMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await search(config, filter);
    if (found.length >= count) return Promise.all(found.map((s) => getMessage(config, s.ID)));
    if (Date.now() >= deadline) {
      throw new Error(`Mailpit: ${found.length} of ${count} expected message(s) ${JSON.stringify(filter)} after ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

/** Waits for the first matching message. */
export async function waitForMessage(config: MailConfig, filter: MessageFilter & { timeoutMs?: number }): Promise<MailpitMessage> {
  const [newest] = await waitForMessages(config, { ...filter, count: 1 });
  return newest!;
}

/** Deletes every message in Mailpit. */
export async function deleteAllMessages(config: MailConfig): Promise<void> {
  await api(config, '/messages', { method: 'DELETE' });
}
