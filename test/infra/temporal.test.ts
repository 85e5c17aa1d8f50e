/**
 * The real Temporal servers answer: the dev server runs a workflow, the Java test server skips time.
 * The dev server keeps its state in SQLite's write-ahead log and reads its task queue often
 * (dev/stack/servers.ts).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { TRANSFER_QUEUE_READS_PER_SECOND, temporalDevServer } from '../../dev/stack/servers.js';
import * as activities from '../fixtures/activities.js';
import { greeting, sleepOneDay } from '../fixtures/workflows.js';
import { testConfig } from '../support/config.js';
import { quietTemporalRuntime, timeSkippingEnv } from '../support/temporal.js';

const workflowsPath = fileURLToPath(new URL('../fixtures/workflows.ts', import.meta.url));
const DAY = 24 * 60 * 60 * 1000;

quietTemporalRuntime();

describe('Temporal dev server', () => {
  it("keeps its state in SQLite's write-ahead log (as the test run's global setup started it)", () => {
    const header = readFileSync(join(testConfig().dataDir, 'temporal', 'temporal.db')).subarray(0, 20);
    expect(header.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    // The file format's write and read versions: 1 for the rollback journal, 2 for WAL.
    expect([header[18], header[19]]).toEqual([2, 2]);
  });

  it('reads its queue of tasks to dispatch more often than a cluster shard would (it has one shard)', () => {
    const args = temporalDevServer(testConfig()).args;
    const values = args.flatMap((arg, i) => (args[i - 1] === '--dynamic-config-value' ? [arg] : []));
    expect(values).toContain(`history.transferProcessorMaxPollRPS=${TRANSFER_QUEUE_READS_PER_SECOND}`);
    expect(TRANSFER_QUEUE_READS_PER_SECOND).toBeGreaterThan(20); // the server's default, per shard
  });

  it('runs a workflow whose real activity completes, on a real worker', async () => {
    const { temporal } = testConfig();
    const nativeConnection = await NativeConnection.connect({ address: temporal.address });
    const connection = await Connection.connect({ address: temporal.address });
    try {
      const taskQueue = `infra-${randomUUID()}`;
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace: temporal.namespace,
        taskQueue,
        workflowsPath,
        activities,
      });
      const client = new Client({ connection, namespace: temporal.namespace });
      const result = await worker.runUntil(
        client.workflow.execute(greeting, { taskQueue, workflowId: `infra-greeting-${randomUUID()}`, args: ['Marianne'] }),
      );
      expect(result).toBe('Bonjour, Marianne !');
    } finally {
      await connection.close();
      await nativeConnection.close();
    }
  });
});

describe('Java time-skipping test server', () => {
  it('sleeps through a 1-day timer in a few seconds of wall time', async () => {
    const created = Date.now();
    const env = await timeSkippingEnv();
    const startMs = Date.now() - created;
    try {
      const taskQueue = `infra-${randomUUID()}`;
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath, activities });
      const began = Date.now();
      const observed = await worker.runUntil(
        env.client.workflow.execute(sleepOneDay, { taskQueue, workflowId: `infra-sleep-${randomUUID()}` }),
      );
      const wall = Date.now() - began;
      console.log(`time-skipping: server up in ${startMs} ms; 1 day of workflow time in ${wall} ms of wall time`);
      expect(observed).toBeGreaterThanOrEqual(DAY);
      expect(wall).toBeLessThan(20_000);
    } finally {
      await env.teardown();
    }
  });
});
