import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config/index.js';
import { AesGcmCodec } from './aes-gcm-codec.js';

/** Encodes failures' messages and stack traces too (see the module); the workflow bundle includes it. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** The one data converter of the client, the worker and the replayer: every payload and failure encrypted. */
export function createDataConverter(codec: Config['payloadCodec']): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(codec)], failureConverterPath };
}
