/**
 * A stub worker in a process of its own (fast-tier.ts, `workerProcess`): the same worker as the
 * fast tier's, whose every call goes to the test process that started it. If the workflow code
 * crashes this process, the test process sees it end and reports it.
 */
import { NativeConnection } from '@temporalio/worker';
import { createStubActivities } from '../../support/stub-activities.js';
import { createStubWorker, installRuntime } from './fast-tier.js';

const { STUB_WORKER_ADDRESS: address, STUB_WORKER_NAMESPACE: namespace, STUB_WORKER_TASK_QUEUE: taskQueue } = process.env;
if (!address || !namespace || !taskQueue || !process.send) throw new Error('stub-worker.ts is started by test/workflow/fast/fast-tier.ts');
const send = process.send.bind(process);

installRuntime(); // before the connection instantiates the SDK's runtime with its defaults
const stubs = createStubActivities({ onCall: (call) => send({ call }) });
const connection = await NativeConnection.connect({ address });
const worker = await createStubWorker(connection, namespace, taskQueue, stubs);
const running = worker.run();
send({ ready: true });
await running;
await connection.close();
process.disconnect();
