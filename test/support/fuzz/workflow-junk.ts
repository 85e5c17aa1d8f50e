/**
 * Malformed arguments for the renewal workflow's signals, updates and queries, sent straight to
 * Temporal (bypassing the web): wrong types, null, arrays, huge strings, deep objects, unknown link
 * hashes, extra arguments; and raw payloads the data converter cannot decode (unknown encodings,
 * broken JSON, ciphertext that is garbage or names a key nobody has).
 */
import fc from 'fast-check';
import type { Payload } from '@temporalio/common';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../../codec/aes-gcm-codec.js';
import { nasty } from './nasty.js';

const deep = (depth: number): unknown => (depth === 0 ? 'fond' : { a: deep(depth - 1) });
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

/** One malformed argument. */
export const junkArgument: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: nasty(20_000) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, 0, -1, true, [], {}, '', Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5000 }).map((n) => deep(Math.min(n, 90))) },
  { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 100_000 }).map((n) => 'x'.repeat(n)) },
  // Nearly right: the fields the handlers read, with wrong types or values.
  {
    weight: 4,
    arbitrary: fc.record(
      {
        kind: fc.oneof(fc.constantFrom('identifier', 'password', 'IDENTIFIER', 'other', ''), fc.jsonValue({ maxDepth: 1 })),
        email: fc.oneof(nasty(600), fc.jsonValue({ maxDepth: 1 }), fc.constant('x'.repeat(255) + '@example.org')),
        linkHash: fc.oneof(
          hex64,
          hex64.map((h) => h.toUpperCase()),
          nasty(200),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        sealedSecret: fc.oneof(nasty(5000), fc.constant('sf1:'), fc.jsonValue({ maxDepth: 1 })),
        reason: fc.oneof(nasty(500), fc.jsonValue({ maxDepth: 1 })),
        __proto__: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
  },
  // Well-formed submissions for a link nobody was sent, of either kind.
  { weight: 2, arbitrary: fc.record({ linkHash: hex64, kind: fc.constantFrom('identifier', 'password'), sealedSecret: nasty(100) }) },
);

/** The arguments of one call: none, one, or more than the handler takes. */
export const junkArguments = fc.oneof(
  { weight: 6, arbitrary: junkArgument.map((a) => [a]) },
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 2, arbitrary: fc.array(junkArgument, { minLength: 2, maxLength: 4 }) },
);

const bytes = (text: string) => new Uint8Array(Buffer.from(text));

/**
 * Payloads the data converter cannot decode, as a sender without the codec (or with a broken one)
 * would build them. A ciphertext under a key ID nobody has is apart (`unknownKey`): the codec fails
 * it on purpose, as it would a real payload after a key rotation done in the wrong order.
 */
export function unknownKeyPayload(): Payload {
  return {
    metadata: { encoding: bytes(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: bytes('cle-inconnue') },
    data: new Uint8Array(Buffer.alloc(80, 9)),
  };
}

export function undecodablePayloads(keyId: string): { name: string; payload: Payload }[] {
  const encrypted = (id: string, data: Uint8Array) => ({
    metadata: { encoding: bytes(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: bytes(id) },
    data,
  });
  return [
    { name: 'an unknown encoding', payload: { metadata: { encoding: bytes('json/xml') }, data: bytes('<kind>identifier</kind>') } },
    { name: 'JSON that does not parse', payload: { metadata: { encoding: bytes('json/plain') }, data: bytes('{"kind":"identifier",') } },
    { name: 'JSON without data', payload: { metadata: { encoding: bytes('json/plain') } } },
    { name: 'no metadata', payload: { data: bytes('{"kind":"identifier"}') } },
    { name: 'no encoding', payload: { metadata: { other: bytes('x') }, data: bytes('{}') } },
    {
      name: 'a protobuf encoding without its message type',
      payload: { metadata: { encoding: bytes('json/protobuf') }, data: bytes('{}') },
    },
    { name: 'garbage ciphertext under the current key ID', payload: encrypted(keyId, new Uint8Array(Buffer.alloc(80, 7))) },
    { name: 'a ciphertext too short to hold a nonce and a tag', payload: encrypted(keyId, new Uint8Array([1, 2, 3])) },
    { name: 'a ciphertext without data', payload: { metadata: { encoding: bytes(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: bytes(keyId) } } },
    {
      name: 'a ciphertext without a key ID',
      payload: { metadata: { encoding: bytes(ENCRYPTED_ENCODING) }, data: new Uint8Array(Buffer.alloc(80, 1)) },
    },
  ];
}

/** Payloads the converter reads, but that no client of ours would send: bytes, `undefined` with data, JSON strings of invalid UTF-8. */
export const strangePayloads: { name: string; payload: Payload }[] = [
  {
    name: 'invalid UTF-8 in a JSON string',
    payload: { metadata: { encoding: bytes('json/plain') }, data: new Uint8Array([0x22, 0xff, 0xfe, 0x22]) },
  },
  { name: 'raw bytes', payload: { metadata: { encoding: bytes('binary/plain') }, data: new Uint8Array(Buffer.alloc(64, 0xff)) } },
  { name: '`undefined` with data', payload: { metadata: { encoding: bytes('binary/null') }, data: bytes('{"kind":"identifier"}') } },
  {
    name: 'JSON with a prototype key',
    payload: { metadata: { encoding: bytes('json/plain') }, data: bytes('{"__proto__":{"kind":"identifier","email":"x@example.org"}}') },
  },
];
