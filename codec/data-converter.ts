import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config/index.js';
import { AesGcmCodec } from './aes-gcm-codec.js';

/** The one data converter of the client, the worker and the replayer. */
export function createDataConverter(codec: Config['payloadCodec']): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(codec)] };
}
