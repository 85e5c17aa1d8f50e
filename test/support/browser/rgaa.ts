/**
 * How a test says which RGAA criteria it checks: `it(`${rgaa('10.7', '12.8')} …`)`. The
 * accessibility declaration lists a criterion as tested only if some test names it this way
 * (test/unit/accessibility-declaration.test.ts reads the test files for these calls), so each id
 * must be written as a string literal here, where that test can read it.
 */
export const rgaa = (...ids: string[]) => `[RGAA ${ids.join(', ')}]`;
