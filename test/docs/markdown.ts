/**
 * Just enough Markdown for the docs test: tables, code spans, links, headings and their GitHub
 * anchors. The docs are ours and plain (pipe tables, fenced code), so a line-based reading holds.
 */

export interface Table {
  /** The heading the table sits under, as written. */
  heading: string;
  header: string[];
  rows: string[][];
}

const FENCE = /^\s*(```|~~~)/;

/** The lines outside fenced code blocks, with their line numbers (1-based). */
export function proseLines(text: string): { line: string; number: number }[] {
  const out: { line: string; number: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (FENCE.test(line)) {
      fenced = !fenced;
      return;
    }
    if (!fenced) out.push({ line, number: i + 1 });
  });
  return out;
}

/** The contents of fenced code blocks. */
export function codeBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (FENCE.test(line)) {
      if (current) {
        blocks.push(current.join('\n'));
        current = undefined;
      } else current = [];
    } else current?.push(line);
  }
  return blocks;
}

/** Splits a table row on the pipes that are not inside a code span. */
function cells(row: string): string[] {
  const parts: string[] = [];
  let cell = '';
  let inCode = false;
  for (const ch of row.trim().replace(/^\|/, '').replace(/\|$/, '')) {
    if (ch === '`') inCode = !inCode;
    if (ch === '|' && !inCode) {
      parts.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  parts.push(cell.trim());
  return parts;
}

const isSeparator = (row: string[]) => row.every((cell) => /^:?-{3,}:?$/.test(cell));

export function tables(text: string): Table[] {
  const found: Table[] = [];
  let heading = '';
  let block: string[][] = [];
  const flush = () => {
    if (block.length >= 2 && isSeparator(block[1]!)) found.push({ heading, header: block[0]!, rows: block.slice(2) });
    block = [];
  };
  for (const { line } of proseLines(text)) {
    const title = /^#{1,6}\s+(.*)$/.exec(line);
    if (title) heading = title[1]!.trim();
    if (line.trim().startsWith('|')) block.push(cells(line));
    else flush();
  }
  flush();
  return found;
}

/** The contents of the code spans of a piece of Markdown. */
export const codeSpans = (markdown: string): string[] => [...markdown.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The text a heading shows: links, code and emphasis marks taken away. */
const headingText = (heading: string) =>
  heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/<[^>]+>/g, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export const slug = (heading: string) =>
  headingText(heading)
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** The anchors of a document's headings, duplicates numbered as GitHub does (`-1`, `-2`…). */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { line } of proseLines(text)) {
    const title = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!title) continue;
    const base = slug(title[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    out.add(count === 0 ? base : `${base}-${count}`);
  }
  return out;
}

/** Every link target outside code: inline `[text](target)` and reference definitions `[id]: target`. */
export function linkTargets(text: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  for (const { line, number } of proseLines(text)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1]!, line: number });
    const reference = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (reference) out.push({ target: reference[1]!, line: number });
  }
  return out;
}
