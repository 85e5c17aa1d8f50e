/**
 * The accessibility declaration claims only what the tests check: a criterion is listed as
 * « vérifié par des tests automatisés » exactly when some test names it in its title with the rgaa helper (see
 * test/support/browser/rgaa.ts), and the status it states comes from an audit, never from the tests.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRITERIA, DECLARATION, RGAA, SCREENS, conformity } from '../../copy/accessibility.js';
import { repoRoot } from '../../dev/stack/paths.js';

function testFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(repoRoot, path)).isDirectory() ? testFiles(path) : name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Each criterion the tests name, with the files that name it. */
function criteriaNamedByTests(): Map<string, string[]> {
  const named = new Map<string, string[]>();
  for (const path of testFiles('test')) {
    const text = readFileSync(join(repoRoot, path), 'utf8');
    for (const [, args] of text.matchAll(/\brgaa\(([^)]*)\)/g)) {
      for (const [, id] of args!.matchAll(/'([^']+)'/g)) named.set(id!, [...(named.get(id!) ?? []), path]);
    }
  }
  return named;
}

describe('the accessibility declaration’s criteria', () => {
  it('lists as tested exactly the criteria some test names, and names no criterion it does not list', () => {
    const named = criteriaNamedByTests();
    const tested = CRITERIA.filter((c) => c.status === 'tested').map((c) => c.id);
    expect(
      tested.filter((id) => !named.has(id)),
      'listed as tested, but no test names them',
    ).toEqual([]);
    expect([...named.keys()].filter((id) => !tested.includes(id as never)).sort(), 'named by a test, but not listed as tested').toEqual([]);
  });

  it('names each criterion once, in RGAA order, with what is checked or what is wrong', () => {
    const ids = CRITERIA.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const order = (id: string) => id.split('.').map(Number) as [number, number];
    const sorted = [...ids].sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
    expect(ids).toEqual(sorted);
    for (const c of CRITERIA) {
      const [theme, criterion] = order(c.id);
      expect(theme, c.id).toBeGreaterThanOrEqual(1);
      expect(theme, c.id).toBeLessThanOrEqual(13);
      expect(criterion, c.id).toBeGreaterThanOrEqual(1);
      expect(c.how.length, c.id).toBeGreaterThan(10);
    }
    expect(ids.length).toBeLessThanOrEqual(RGAA.criteria);
  });

  it('states « non conforme » as long as no audit is in force, whatever the tests say', () => {
    if (!DECLARATION.audit) expect(conformity()).toBe('none');
    else expect(['full', 'partial', 'none']).toContain(conformity());
  });

  it('lists the screens the browser checks visit, each once', () => {
    const ids = SCREENS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const browserTest = readFileSync(join(repoRoot, 'test/browser/accessibility.test.ts'), 'utf8');
    expect(browserTest).toContain('SCREENS');
  });
});
