/**
 * What an RGAA auditor does by hand, done by the browser tests: walk a page with Tab and Shift+Tab
 * and watch the focus, read the accessibility tree as a screen reader gets it (Chrome DevTools
 * protocol), lay a page out at 320 px, with text at 200 % or with the text spacings of WCAG 1.4.12
 * and look for what overflows or is cut, and throttle the network to a slow 3G line.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { expect } from 'vitest';
import { SCREENSHOTS } from './browser.js';

/** What keyboard focus can reach, as the browser decides it (the player's own buttons count as the player). */
const FOCUSABLE = 'a[href], button, input:not([type="hidden"]), select, textarea, audio[controls], video[controls], summary, [tabindex]';

export interface FocusStop {
  index: number;
  /** Tag, id and accessible text, for the failure messages. */
  label: string;
  /** An outline or a box-shadow appeared on it, its label, a pseudo-element or a parent as it took the focus. */
  indicated: boolean;
  inViewport: boolean;
}

/**
 * Numbers every element keyboard focus should reach, in document order (visible, enabled, not
 * taken out with tabindex=-1), and notes how each looks without the focus.
 */
async function markFocusable(page: Page): Promise<string[]> {
  return page.evaluate((selector) => {
    const win = globalThis as unknown as { __unfocused: Record<number, string[]> };
    const styles = (el: Element): string[] => {
      const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
      const nodes: [Element | null, string | undefined][] = [
        [el, undefined],
        [el, '::before'],
        [el, '::after'],
        [label, undefined],
        [label, '::before'],
        [el.parentElement, undefined],
        [el.parentElement?.parentElement ?? null, undefined],
      ];
      return nodes.map(([node, pseudo]) => {
        if (!node) return '';
        const cs = getComputedStyle(node, pseudo);
        return JSON.stringify([cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.boxShadow]);
      });
    };
    // Measured without the focus: the walk then takes it from the browser's UI at the end of the page.
    (document.activeElement as HTMLElement | null)?.blur();
    document.querySelectorAll('[data-kb]').forEach((el) => el.removeAttribute('data-kb'));
    const reachable = [...document.querySelectorAll<HTMLElement>(selector)].filter(
      (el) =>
        el.tabIndex >= 0 &&
        !(el as HTMLButtonElement).disabled &&
        el.checkVisibility({ visibilityProperty: true }) &&
        !el.closest('[inert]') &&
        // A custom checkbox is drawn by its label; the input is there, transparent.
        (el.getClientRects().length > 0 || el.matches('input[type="checkbox"], input[type="radio"]')),
    );
    win.__unfocused = {};
    return reachable.map((el, i) => {
      el.setAttribute('data-kb', String(i));
      win.__unfocused[i] = styles(el);
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} « ${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)} »`;
    });
  }, FOCUSABLE);
}

/**
 * Where the focus is now: its number, -1 when it is out of the page (on the body: the browser's
 * own UI, past either end), -2 on an element no Tab reaches (a heading or a summary given the focus).
 */
async function focusNow(page: Page): Promise<FocusStop> {
  return page.evaluate(() => {
    const win = globalThis as unknown as { __unfocused: Record<number, string[]> };
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement)
      return { index: -1, label: el?.tagName.toLowerCase() ?? 'none', indicated: false, inViewport: false };
    if (!el.hasAttribute('data-kb'))
      return { index: -2, label: `${el.tagName.toLowerCase()}#${el.id}`, indicated: false, inViewport: false };
    const index = Number(el.getAttribute('data-kb'));
    const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    const nodes: [Element | null, string | undefined][] = [
      [el, undefined],
      [el, '::before'],
      [el, '::after'],
      [label, undefined],
      [label, '::before'],
      [el.parentElement, undefined],
      [el.parentElement?.parentElement ?? null, undefined],
    ];
    const before = win.__unfocused[index] ?? [];
    const indicated = nodes.some(([node, pseudo], i) => {
      if (!node) return false;
      const cs = getComputedStyle(node, pseudo);
      const now = JSON.stringify([cs.outlineStyle, cs.outlineWidth, cs.outlineColor, cs.boxShadow]);
      if (now === before[i]) return false;
      const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 1;
      const shadow = cs.boxShadow !== 'none' && JSON.parse(before[i] ?? '[]')[3] !== cs.boxShadow;
      return outline || shadow;
    });
    const r = el.getBoundingClientRect();
    const inViewport = r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
    return { index, label: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`, indicated, inViewport };
  });
}

export interface TabWalk {
  elements: string[];
  forward: FocusStop[];
}

/**
 * Presses `key` enough times to go round the page twice and returns one full lap: the stops from
 * the first one on `first` to just before it comes round again. Its absence means the focus never
 * got there or never came back: a trap, or an element keyboard focus cannot reach.
 */
async function lap(page: Page, where: string, key: 'Tab' | 'Shift+Tab', elements: string[], first: number): Promise<FocusStop[]> {
  // The audio player's own buttons are so many stops on the player, more of them once its sound
  // has loaded (a slow load can add them mid-walk): room for a dozen per lap.
  const presses = 2 * (elements.length + 12) + 4;
  const stops: FocusStop[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press(key);
    const stop = await focusNow(page);
    // Out of the page (past either end, into the browser's own UI) between laps.
    if (stop.index === -1) continue;
    expect(stop.index, `${where}: ${key} lands on ${stop.label}, which is not meant to take the focus`).toBeGreaterThanOrEqual(0);
    if (stops.at(-1)?.index !== stop.index) stops.push(stop);
  }
  const from = stops.findIndex((s) => s.index === first);
  expect(from, `${where}: ${key} never reaches ${elements[first]}`).toBeGreaterThanOrEqual(0);
  const again = stops.findIndex((s, i) => i > from && s.index === first);
  expect(again, `${where}: ${key} never comes round to ${elements[first]} again (a trap?)`).toBeGreaterThan(from);
  return stops.slice(from, again);
}

/**
 * Walks the whole page with Tab, then back with Shift+Tab, from wherever the focus is: every
 * element is reached, in document order forward and in reverse backward, each one showing that it
 * has the focus and brought into view, and the focus goes round the page and comes back (no trap).
 */
export async function walkWithTab(page: Page, where: string): Promise<TabWalk> {
  const elements = await markFocusable(page);
  expect(elements.length, where).toBeGreaterThan(0);
  const order = elements.map((_, i) => i);
  const named = (indexes: number[]) => indexes.map((i) => elements[i]);
  const forward = await lap(page, where, 'Tab', elements, 0);
  expect(named(forward.map((s) => s.index)), `${where}: Tab reaches every element, in document order`).toEqual(named(order));
  for (const stop of forward) {
    expect(stop.indicated, `${where}: the focus shows on ${elements[stop.index]}`).toBe(true);
    expect(stop.inViewport, `${where}: ${elements[stop.index]} is scrolled into view when focused`).toBe(true);
  }
  const backward = await lap(page, where, 'Shift+Tab', elements, elements.length - 1);
  expect(named(backward.map((s) => s.index)), `${where}: Shift+Tab goes back through every element, in reverse`).toEqual(
    named([...order].reverse()),
  );
  return { elements, forward };
}

/** Presses Tab until the focus is on `selector` (as a keyboard user would), and fails if it never gets there. */
export async function tabTo(page: Page, selector: string, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${selector} on ${page.url()}`);
}

export const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

export interface AxNode {
  role: string;
  name: string;
  description: string;
  properties: Record<string, unknown>;
}

/** The accessibility tree's node for an element, as assistive technologies get it. */
export async function axNode(page: Page, selector: string): Promise<AxNode> {
  const cdp = await cdpOf(page);
  const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  expect(nodeId, `${selector} on ${page.url()}`).toBeGreaterThan(0);
  const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false });
  const node = nodes[0]!;
  return {
    role: String(node.role?.value ?? ''),
    name: String(node.name?.value ?? ''),
    description: String(node.description?.value ?? ''),
    properties: Object.fromEntries((node.properties ?? []).map((p) => [p.name, p.value.value])),
  };
}

/** The node that has the focus, as the accessibility tree says it. */
export async function axFocused(page: Page): Promise<AxNode | undefined> {
  const cdp = await cdpOf(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  // The document itself says it has the focus too: the element is the deepest node that does.
  const node = [...nodes]
    .reverse()
    .find((n) => n.role?.value !== 'RootWebArea' && (n.properties ?? []).some((p) => p.name === 'focused' && p.value.value === true));
  return node
    ? {
        role: String(node.role?.value ?? ''),
        name: String(node.name?.value ?? ''),
        description: String(node.description?.value ?? ''),
        properties: Object.fromEntries((node.properties ?? []).map((p) => [p.name, p.value.value])),
      }
    : undefined;
}

/** All the text the accessibility tree exposes, in tree order (what a screen reader can read). */
export async function axText(page: Page): Promise<string> {
  const cdp = await cdpOf(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  return nodes
    .filter((n) => !n.ignored && (n.role?.value === 'StaticText' || n.role?.value === 'text'))
    .map((n) => String(n.name?.value ?? ''))
    .join(' ');
}

const sessions = new WeakMap<Page, Promise<CDPSession>>();
export function cdpOf(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) {
    session = page
      .context()
      .newCDPSession(page)
      .then(async (s) => {
        await s.send('DOM.enable');
        await s.send('Accessibility.enable');
        return s;
      });
    sessions.set(page, session);
  }
  return session;
}

export interface Overflow {
  /** How far the page scrolls sideways, in CSS pixels (0 when it does not). */
  horizontalScroll: number;
  /** Text that sticks out of the window or is cut by a box that hides its overflow. */
  clipped: string[];
}

/**
 * What overflows on the page as laid out now: how far it scrolls sideways, and each text that lies
 * outside the window or outside a box that hides its overflow. Text meant to be hidden is left out:
 * text for screen readers only (in a box of 1 px), and the label of an icon-only DSFR button, which
 * DSFR hides on purpose (its title says it).
 */
export async function overflow(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const clipped: string[] = [];
    const describe = (el: Element, text: string) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].map((c) => `.${c}`).join('')} « ${text.trim().slice(0, 50)} »`;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      const parent = node.parentElement;
      if (!parent || text.trim() === '' || !parent.checkVisibility({ visibilityProperty: true })) continue;
      if (parent.closest('script, style, .fr-skiplinks')) continue;
      const iconOnly = parent.closest('[title]');
      if (iconOnly && iconOnly.getAttribute('title')?.trim() === iconOnly.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      let hidden = false;
      for (let box = parent as Element | null; box && box !== root; box = box.parentElement) {
        const b = box.getBoundingClientRect();
        if (b.width <= 1 || b.height <= 1) hidden = true;
      }
      if (hidden) continue;
      for (const r of rects) {
        if (r.right > width + 1 || r.left < -1) clipped.push(`outside the window: ${describe(parent, text)}`);
        for (let box = parent as Element | null; box && box !== document.body; box = box.parentElement) {
          const cs = getComputedStyle(box);
          if (!/hidden|clip/.test(`${cs.overflowX} ${cs.overflowY}`)) continue;
          const b = box.getBoundingClientRect();
          if (r.right > b.right + 1 || r.left < b.left - 1 || r.bottom > b.bottom + 1 || r.top < b.top - 1)
            clipped.push(`cut by ${describe(box, '')}: ${describe(parent, text)}`);
        }
      }
      const cs = getComputedStyle(parent);
      if (cs.textOverflow === 'ellipsis' && parent.scrollWidth > parent.clientWidth + 1)
        clipped.push(`ellipsis: ${describe(parent, text)}`);
    }
    return { horizontalScroll: Math.max(0, root.scrollWidth - width), clipped: [...new Set(clipped)] };
  });
}

/**
 * A screenshot of the whole page as it is laid out now. Playwright's full-page screenshot (and
 * DevTools' beyond-the-viewport capture) resets the text size: the window is made as tall as the
 * page instead, then put back.
 */
export async function screenshotAsLaidOut(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
  const cdp = await cdpOf(page);
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(SCREENSHOTS, `${name}.png`), Buffer.from(data, 'base64'));
  await page.setViewportSize(viewport);
}

/** The user's default font size (Chrome's text-only zoom): 16 px is 100 %. */
export async function setTextSize(page: Page, percent: number): Promise<void> {
  const cdp = await cdpOf(page);
  await cdp.send('Page.setFontSizes', {
    fontSizes: { standard: Math.round((16 * percent) / 100), fixed: Math.round((13 * percent) / 100) },
  });
}

/**
 * The text spacings of WCAG 1.4.12 (RGAA 10.12), as a user style sheet would set them: added as a
 * DevTools style sheet, which the page's CSP does not govern (it governs the page's own styles).
 */
export async function setTextSpacing(page: Page, on: boolean): Promise<void> {
  const cdp = await cdpOf(page);
  let sheet = spacingSheets.get(page);
  if (on) {
    await cdp.send('CSS.enable');
    const { frameTree } = await cdp.send('Page.getFrameTree');
    sheet = (await cdp.send('CSS.createStyleSheet', { frameId: frameTree.frame.id })).styleSheetId;
    spacingSheets.set(page, sheet);
  }
  if (!sheet) return;
  const text = on
    ? '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }'
    : '';
  await cdp.send('CSS.setStyleSheetText', { styleSheetId: sheet, text });
  if (!on) spacingSheets.delete(page);
}
const spacingSheets = new WeakMap<Page, string>();

/** Chrome DevTools' « Slow 3G » profile: 400 ms round trip × 5, 500 kbit/s × 0.8 each way. */
export const SLOW_3G = {
  offline: false,
  latency: 2000,
  downloadThroughput: (500 * 1000 * 0.8) / 8,
  uploadThroughput: (500 * 1000 * 0.8) / 8,
};

export async function throttle(page: Page): Promise<void> {
  const cdp = await cdpOf(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
}
