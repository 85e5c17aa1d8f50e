/**
 * The French copy catalogue (copy/pages.ts) held to the code: every key is used by a view, a route
 * or the services; no French text is written in the web code instead; every sentence with a
 * value in it says that value (no « undefined », no lost plural); French typography throughout.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as pages from '../../copy/pages.js';
import { repoRoot } from '../../dev/stack/paths.js';
import { DEAD_LINK_REASONS, RENEWAL_KINDS } from '../../workflows/definitions.js';

const CATALOGUE = 'copy/pages.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(join(repoRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(repoRoot, path)).isDirectory() ? filesUnder(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The code that shows the catalogue: the web app, and the declaration's own data module. */
const PRODUCT = [...filesUnder('web'), 'copy/accessibility.ts'].map((path) => ({ path, text: readFileSync(join(repoRoot, path), 'utf8') }));

type Leaf = { path: string[]; value: unknown };

/** Every value of the catalogue's objects, by its path (arrays' items by index). */
function leaves(value: unknown, path: string[]): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  return [{ path, value }];
}

const objects = Object.entries(pages).filter(([, v]) => v && typeof v === 'object') as [string, object][];
const all = objects.flatMap(([name, value]) => leaves(value, [name]));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isDynamic = (segment: string) => /^\d+$/.test(segment) || (RENEWAL_KINDS as readonly string[]).includes(segment);

/**
 * Whether the code reads this key. Per-kind keys and array items are read through an index
 * (REQUEST[kind].title, HELP.faq.map(...)): the key after them must be read somewhere the export
 * is; a record read by a computed key (ACCESSIBILITY.status[conformity()]) has its keys written
 * as strings where they are computed.
 */
function isUsed(path: string[]): boolean {
  const trimmed = [...path];
  while (trimmed.length > 1 && /^\d+$/.test(trimmed.at(-1)!)) trimmed.pop();
  const [exported] = trimmed;
  const files = PRODUCT.filter((f) => new RegExp(`\\b${exported}\\b`).test(f.text));
  const key = trimmed.at(-1)!;
  const parent = trimmed.at(-2)!;
  const reads = (pattern: RegExp) => files.some((f) => pattern.test(f.text));
  if (trimmed.length === 1) return files.length > 0;
  if (trimmed.length === 2)
    return (
      reads(new RegExp(`\\b${exported}\\.${escape(key)}\\b`)) || reads(new RegExp(`\\{[^}]*\\b${key}\\b[^}]*\\}\\s*=\\s*${exported}\\b`))
    );
  if (isDynamic(parent)) return reads(new RegExp(`\\.${escape(key)}\\b`));
  if (reads(new RegExp(`\\.${escape(parent)}\\.${escape(key)}\\b`))) return true;
  return reads(new RegExp(`\\.${escape(parent)}\\[`)) && PRODUCT.some((f) => f.text.includes(`'${key}'`));
}

/** Sample arguments by parameter name; a new parameter name needs one here. */
const SAMPLES: Record<string, { value: unknown; says?: string[] }> = {
  count: { value: 3, says: ['3'] },
  step: { value: 2, says: ['2'] },
  total: { value: 106, says: ['106'] },
  waitMs: { value: 12 * 60_000, says: ['dans 12 minutes'] },
  msLeft: { value: 9 * 60_000, says: ['9 minutes'] },
  left: { value: 2, says: ['2'] },
  kind: { value: 'identifier' },
  linkTtl: { value: '1 heure', says: ['1 heure'] },
  ttl: { value: '5 minutes', says: ['5 minutes'] },
  phoneEnding: { value: '42', says: ['42'] },
  status: { value: 'non conforme', says: ['non conforme'] },
  rgaa: { value: '4.1.2', says: ['4.1.2'] },
  site: { value: 'https://consulat.example.fr', says: ['https://consulat.example.fr'] },
  date: { value: '1 décembre 2026', says: ['1 décembre 2026'] },
  tested: { value: 31, says: ['31'] },
  manual: { value: 22, says: ['22'] },
  notMet: { value: 1, says: ['1'] },
  input: {
    value: { nom: 'Camille Martin', courriel: 'camille@example.org', numic: '2026000001', message: 'Bonjour.' },
    says: ['Camille Martin', 'camille@example.org', '2026000001', 'Bonjour.'],
  },
};
/** Where a name means something else: an HTTP status is a number. */
const BY_PATH: Record<string, { value: unknown; says?: string[] }[]> = { 'ERRORS.errorCode': [{ value: 404, says: ['404'] }] };

const paramsOf = (fn: (...args: never[]) => unknown) =>
  /^\(?([^)=]*)\)?\s*=>/
    .exec(fn.toString())![1]!
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

/** Every string a value holds (a sentence, a list of them, an email's subject and paragraphs). */
const stringsOf = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(stringsOf)
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(stringsOf)
        : [];

/** Every sentence of the catalogue, functions called with their samples (with each plural form). */
function sentences(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const { path, value } of all) {
    const name = path.join('.');
    if (path.at(-1) === 'href') continue;
    if (typeof value === 'string') out.push({ path: name, text: value });
    if (typeof value === 'function') {
      const params = paramsOf(value as never);
      for (const variant of [0, 1]) {
        const args = params.map((p, i) => BY_PATH[name]?.[i]?.value ?? SAMPLES[p]?.value);
        // Each singular too: one error, one attempt, one minute.
        if (variant === 1) args.forEach((a, i) => typeof a === 'number' && (args[i] = /Ms$/.test(params[i]!) ? 60_000 : 1));
        for (const text of stringsOf((value as (...a: unknown[]) => unknown)(...args))) out.push({ path: name, text });
      }
    }
  }
  for (const kind of RENEWAL_KINDS)
    for (const reason of DEAD_LINK_REASONS)
      for (const text of stringsOf(pages.deadLink(kind, reason, { linkTtl: '1 heure' })))
        out.push({ path: `deadLink(${kind}, ${reason})`, text });
  return out;
}

describe('the French copy catalogue', () => {
  it('is all used: every key is read by the web code', () => {
    expect(all.length).toBeGreaterThan(200);
    const unused = all.filter((leaf) => !isUsed(leaf.path)).map((leaf) => leaf.path.join('.'));
    expect(unused).toEqual([]);
    // Its function exports too.
    for (const [name, value] of Object.entries(pages)) if (typeof value === 'function') expect(isUsed([name]), name).toBe(true);
  });

  it('misses nothing: no French text is written in the web code instead', () => {
    const userFacing = new Set(['alt', 'title', 'aria-label', 'placeholder', 'label', 'body', 'hint', 'legend', 'error', 'text']);
    const found: string[] = [];
    for (const { path, text } of PRODUCT.filter((f) => f.path.startsWith('web/'))) {
      const source = ts.createSourceFile(
        path,
        text,
        ts.ScriptTarget.Latest,
        true,
        path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
      );
      const visit = (node: ts.Node) => {
        const at = () => `${relative(repoRoot, join(repoRoot, path))}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) found.push(`${at()} text « ${node.text.trim()} »`);
        if (ts.isJsxAttribute(node) && node.initializer && ts.isStringLiteral(node.initializer)) {
          const name = node.name.getText(source);
          if (userFacing.has(name) && /\p{L}/u.test(node.initializer.text)) found.push(`${at()} ${name}="${node.initializer.text}"`);
        }
        if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /[àâçéèêëîïôûùüÿœ’«»]/i.test(node.text))
          found.push(`${at()} '${node.text}'`);
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(found).toEqual([]);
  });

  it('says the values its sentences carry, in the singular and the plural, with nothing left unfilled', () => {
    for (const { path, value } of all.filter((l) => typeof l.value === 'function')) {
      const name = path.join('.');
      const params = paramsOf(value as never);
      for (const [i, p] of params.entries()) expect(BY_PATH[name]?.[i] ?? SAMPLES[p], `a sample for « ${p} » of ${name}`).toBeDefined();
      const args = params.map((p, i) => BY_PATH[name]?.[i] ?? SAMPLES[p]!);
      const text = stringsOf((value as (...a: unknown[]) => unknown)(...args.map((a) => a.value))).join('\n');
      for (const said of args.flatMap((a) => a.says ?? [])) expect(text, name).toContain(said);
    }
    expect(pages.FORM.errorSummaryTitle(1)).toBe('Le formulaire contient 1 erreur');
    expect(pages.LINK.attempts(1)).toBe('Il vous reste 1 essai.');
    expect(pages.deadLink('identifier', 'expired', { linkTtl: '1 heure' }).body).toContain('1 heure');
    for (const { path, text } of sentences()) expect(text, path).not.toMatch(/undefined|NaN|null|\[object|\$\{|\{\w+\}/);
  });

  it('follows French typography: typographic apostrophes, a space before « : ; ? ! », one space between words', () => {
    const wrong: string[] = [];
    for (const { path, text } of sentences()) {
      if (/\p{L}'\p{L}/u.test(text)) wrong.push(`${path}: straight apostrophe in « ${text} »`);
      if (/[\p{L}\d)»][:;?!](\s|$)/u.test(text)) wrong.push(`${path}: no space before punctuation in « ${text} »`);
      // The title's affixes are the only texts glued to another.
      const affix = /^SITE\.title(Suffix|Error)$/.test(path);
      if (/ {2}/.test(text) || (!affix && text !== text.trim())) wrong.push(`${path}: stray spaces in « ${text} »`);
      if (/«\S|\S»/.test(text)) wrong.push(`${path}: no space inside guillemets in « ${text} »`);
    }
    expect(wrong).toEqual([]);
  });

  it('is the only place of the copy: its header lists every block it exports', () => {
    const header = /^\/\*\*[\s\S]*?\*\//.exec(readFileSync(join(repoRoot, CATALOGUE), 'utf8'))![0];
    for (const name of Object.keys(pages)) if (/^[A-Z_]+$/.test(name) || name === 'deadLink') expect(header, name).toContain(name);
  });
});
