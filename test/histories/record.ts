/**
 * `npm run record-histories -- <folder>` (with `npm start` running): drives every path of the
 * renewal workflow, both kinds, on the running dev server with a real worker, and writes each run's
 * history, payloads decoded, into test/histories/<folder>/<path>.json for the replay test. Demo
 * accounts only. One folder per version of the workflow code: the older ones prove that its patches
 * still replay the runs started before them.
 *
 * A run whose attempt ended usually rests (the account's memory: cooldown, lock-outs, the emails'
 * hour): it is recorded as it stands then, a history still running, which replays just the same.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { AesGcmCodec } from '../../codec/aes-gcm-codec.js';
import { decodedHistoryJson } from '../../codec/decode-history.js';
import { loadConfig } from '../../config/index.js';
import { connectDevServer, startRenewalHarness } from '../support/renewal-harness.js';
import { SCENARIOS } from './scenarios.js';

const folder = process.argv[2];
if (!folder || !/^[\w.-]+$/.test(folder)) {
  console.error('Usage: npm run record-histories -- <folder>   (e.g. 5-my-change: test/histories/5-my-change/)');
  process.exit(2);
}
const target = new URL(`./${folder}/`, import.meta.url);
await mkdir(target, { recursive: true });

const dev = await connectDevServer();
const codec = new AesGcmCodec(loadConfig(process.env).payloadCodec);
const h = await startRenewalHarness(dev);
try {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    const { workflowId, runId } = await scenario(h);
    const handle = dev.client.workflow.getHandle(workflowId, runId);
    const history = await handle.fetchHistory();
    await writeFile(new URL(`${name}.json`, target), `${await decodedHistoryJson(history, codec)}\n`);
    console.log(`${name}: ${(await handle.describe()).status.name}, ${history.events?.length} events`);
  }
} finally {
  await h.stop();
  await dev.close();
}
