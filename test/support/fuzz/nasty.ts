/**
 * Nasty strings for the fuzz tests, as fast-check arbitraries: very long ones, Unicode edge cases
 * (lone surrogates, bidirectional overrides, combining marks, zero-width characters, NUL, letters
 * whose case mapping changes their length), control characters, markup and script, JSON and Mongo
 * operators, format strings and broken percent-encodings. Markup carries a numbered marker
 * (`<x-fuzz-N>`) that must never come back raw in a response.
 */
import fc from 'fast-check';

/** The raw markers whose presence in a response body means input was reflected unescaped. */
export const RAW_MARKERS = [
  '<x-fuzz',
  '"><script>',
  "'><script>",
  '<script>alert(',
  '<img src=x onerror',
  '" x-fuzz-attr="',
  "' x-fuzz-attr='",
];

/** Markup that a page must escape, each with a marker. */
export const markup = fc
  .nat({ max: 999 })
  .chain((n) =>
    fc.constantFrom(
      `<x-fuzz-${n}>`,
      `"><script>alert(${n})</script>`,
      `'><script>alert(${n})</script>`,
      `<img src=x onerror=alert(${n})>`,
      `" x-fuzz-attr="${n}`,
      `' x-fuzz-attr='${n}`,
      `</textarea><x-fuzz-${n}>`,
      `</title><x-fuzz-${n}>`,
      `<!--<x-fuzz-${n}>-->`,
      `<svg/onload=alert(${n})><x-fuzz-${n}>`,
      `javascript:alert(${n})`,
    ),
  );

const UNICODE_EDGES = [
  '\uD800', // lone high surrogate
  '\uDFFF', // lone low surrogate
  '\uDBFF\uDBFF',
  '\u202E', // right-to-left override
  '\u202Dabc\u202C',
  '\u200F\u061C', // RTL marks
  'e\u0301\u0301\u0301\u0301\u0301', // stacked combining marks
  'Z\u0351\u0368\u0310\u0350\u036B',
  '\u200B', // zero-width space
  '\u200D', // zero-width joiner
  '\uFEFF', // BOM
  '\u2060',
  '\u0000',
  '\uFFFD',
  '\uFFFF',
  '\uFFFE',
  '\u0085', // next line
  '\u2028',
  '\u2029',
  '\u00A0',
  '\u3000',
  'İ', // lower-cases to two code points
  'ß', // upper-cases to SS
  'ﬁ', // ligature, NFKC expands it
  'ı',
  'Ǆ',
  '👨‍👩‍👧‍👦',
  '🇫🇷',
  '２０２６０００００１', // full-width digits
  '٢٠٢٦', // Arabic-Indic digits
  '١٢٣٤',
  '¹²³⁴',
  '𝟙𝟚𝟛𝟜',
  'ａ＠ｅｘａｍｐｌｅ．ｏｒｇ',
  'Ω',
  'Å',
  '\u1160\u3164', // Hangul fillers
  '\uE000', // private use
  '\u{10FFFF}',
];

const CONTROL = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));

const INJECTIONS = [
  '{"$gt":""}',
  '{"$ne":null}',
  '{"$where":"sleep(1000)"}',
  '[$ne]=x',
  '$regex',
  '.*',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '{"__proto__":{"admin":true}}',
  "' OR '1'='1' --",
  '"; DROP TABLE comptes; --',
  '${7*7}',
  '{{7*7}}',
  '<%= 7*7 %>',
  '%s%s%s%n',
  '%',
  '%%',
  '%zz',
  '%E9',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '%00',
  '%uD800',
  '\\u0000',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  'file:///etc/passwd',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  'true',
  '[]',
  '{}',
  '\r\nSet-Cookie: sid=x',
  '\r\nBcc: victime@example.org',
  'a@example.org\r\nBcc: x@example.org',
  '"x y"@example.org',
  'a@[127.0.0.1]',
  'é@é.fr',
  'a@b',
  '@',
  'x@example.org,y@example.org',
];

const EDGE = fc.constantFrom(...UNICODE_EDGES);
const INJECTION = fc.constantFrom(...INJECTIONS);

/** A short piece of nastiness. */
const piece = fc.oneof(
  { weight: 3, arbitrary: EDGE },
  { weight: 2, arbitrary: CONTROL },
  { weight: 3, arbitrary: INJECTION },
  { weight: 3, arbitrary: markup },
  { weight: 2, arbitrary: fc.string({ maxLength: 12, unit: 'grapheme' }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) }, // any code point, lone surrogates included
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,6}$/) },
);

/** A long run of one thing: up to `max` characters. */
const long = (max: number) =>
  fc
    .tuple(
      fc.oneof(fc.constant('A'), fc.constant('é'), fc.constant('\u0301'), fc.constant('<'), fc.constant('%'), EDGE),
      fc.integer({ min: Math.min(200, max), max }),
    )
    .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));

/** A nasty string: pieces glued together, sometimes very long. `maxLong` caps the long ones. */
export const nasty = (maxLong = 40_000) =>
  fc.oneof(
    { weight: 10, arbitrary: fc.array(piece, { minLength: 0, maxLength: 5 }).map((parts) => parts.join('')) },
    { weight: 1, arbitrary: long(maxLong) },
    { weight: 1, arbitrary: fc.tuple(long(3_000), markup).map(([a, b]) => a + b) },
    { weight: 1, arbitrary: fc.constant('') },
  );

/**
 * A header value as an HTTP server hands it over: the UTF-8 bytes of the string read one byte per
 * character (latin1), without CR, LF or NUL (an HTTP parser refuses those before the app).
 */
export const asHeaderValue = (value: string) =>
  Buffer.from(value, 'utf8')
    .toString('latin1')
    .replace(/[\r\n\0]/g, ' ');

/** Broken encodings for raw bodies and paths: bad percent-escapes and invalid UTF-8 bytes, as latin1 text (one char per byte). */
export const brokenBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom('%', '%z', '%zz', '%E9', '%C3', '%C0%AF', '%ED%A0%80', '%F8%88%80%80%80', '%FF', '%00', '+', '&', '=', '&&', '=='),
      fc.integer({ min: 0x80, max: 0xff }).map((b) => String.fromCharCode(b)), // a raw byte that is not UTF-8 on its own
      fc.constantFrom('\xC3\x28', '\xE2\x82', '\xF0\x9F\x98', '\xED\xA0\x80', '\xEF\xBB\xBF'),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(''));
