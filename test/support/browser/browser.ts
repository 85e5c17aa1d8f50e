/**
 * Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with helpers the journey
 * tests share: screenshots under test-results/screenshots/, axe-core checks, CSP violation capture.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../../../dev/stack/paths.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page and returns its serious and critical violations. The script is
 * evaluated through the DevTools protocol: a <script> tag would be refused by the page's CSP
 * (rightly). A page with JavaScript disabled cannot run axe (its timers never fire): its DOM is
 * then checked in a scratch page of a JavaScript-enabled context, at the same URL (so the same
 * stylesheets apply) with the page's scripts removed.
 */
export async function seriousAxeViolations(page: Page, { javaScriptEnabled }: { javaScriptEnabled: boolean }): Promise<AxeViolation[]> {
  if (javaScriptEnabled) return runAxe(page);
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
  const url = page.url();
  const context = await page.context().browser()!.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() });
  try {
    const scratch = await context.newPage();
    await scratch.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await scratch.goto(url);
    return await runAxe(scratch);
  } finally {
    await context.close();
  }
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  })) as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Collects what Chromium reports about Content-Security-Policy violations on this page. */
export function collectCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (!/Content Security Policy|Refused to/i.test(message.text())) return;
    const { url, lineNumber, columnNumber } = message.location();
    violations.push(`${message.text()} (at ${url}:${lineNumber}:${columnNumber}, on ${page.url()})`);
  });
  return violations;
}

/** axe-core's colour contrast rule alone, every impact (RGAA 3.2), on a page that runs JavaScript. */
export async function contrastViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] }, resultTypes: ['violations'] });
    return result.violations;
  })) as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}
