import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config/index.js';
import { createDataConverter } from '../codec/data-converter.js';

export interface TemporalClient {
  client: Client;
  close(): Promise<void>;
}

export async function connectTemporal(config: Pick<Config, 'temporal' | 'payloadCodec'>): Promise<TemporalClient> {
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: createDataConverter(config.payloadCodec),
  });
  return { client, close: () => connection.close() };
}
