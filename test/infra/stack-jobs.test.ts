/**
 * The builds in the stack: `npm start`, the bench and the chaos run build the workflow bundle and
 * the apps' JavaScript in jobs of their own (short-lived processes, never an app) and start each app
 * from that JavaScript, the worker on that bundle. A job that fails stops the
 * start with its log tail; stopping the stack ends a job still running.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { appsBuild, buildJobs, codecServer, web, worker } from '../../dev/stack/apps.js';
import { APP_ENTRIES, APP_NODE_FLAGS } from '../../dev/stack/compiled.js';
import { WORKER_NODE_FLAGS, WORKER_PROCESS_ENV } from '../../worker/process-settings.js';
import { repoRoot } from '../../dev/stack/paths.js';
import { isAlive } from '../../dev/stack/process.js';
import { Stack, type JobSpec } from '../../dev/stack/stack.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'stack-jobs-'));
const shellJob = (name: string, script: string): JobSpec => ({ name, command: 'bash', args: ['-c', script] });

describe('the stack and its builds', () => {
  it('starts every app from the JavaScript its build job writes, the worker on the bundle, under the stack data folder', () => {
    const dataDir = scratch();
    const build = appsBuild(dataDir);
    expect(build).toEqual({ workflowBundle: join(dataDir, 'build', 'workflow-bundle.js'), compiled: join(dataDir, 'build', 'js') });
    const env = { DATA_DIR: dataDir, WORKFLOW_BUNDLE_PATH: '/somewhere/else.js' };

    const jobs = buildJobs(build, env);
    expect(jobs.map((job) => [job.command, ...job.args])).toEqual([
      [process.execPath, '--import', 'tsx', 'dev/scripts/build-workflows.ts', build.workflowBundle],
      [process.execPath, '--import', 'tsx', 'dev/scripts/build-apps.ts', build.compiled],
    ]);
    for (const script of ['build-workflows.ts', 'build-apps.ts']) expect(existsSync(join(repoRoot, 'dev', 'scripts', script))).toBe(true);

    const config = loadConfig(env);
    const apps = { worker: worker(env, build), web: web(config, env, build), codecServer: codecServer(config, env, build) };
    for (const [app, spec] of Object.entries(apps)) {
      expect(spec.command).toBe(process.execPath);
      expect(spec.args.at(-1)).toBe(join(build.compiled, APP_ENTRIES[app as keyof typeof APP_ENTRIES]));
      expect(spec.args.slice(-1 - APP_NODE_FLAGS.length, -1)).toEqual([...APP_NODE_FLAGS]);
      expect(spec.args).not.toContain('tsx');
    }
    // The worker's memory settings the bench measured (worker/process-settings.ts).
    expect(apps.worker.args.slice(0, WORKER_NODE_FLAGS.length)).toEqual([...WORKER_NODE_FLAGS]);
    expect(apps.worker.env).toMatchObject(WORKER_PROCESS_ENV);
    expect(loadConfig(apps.worker.env).temporal.workflowBundlePath).toBe(build.workflowBundle);
    // Only the worker is given them.
    expect(apps.web.env).toBe(env);
    expect(apps.codecServer.env).toBe(env);
  });

  it('runs a job to its end, its output in its log, its pid file removed', async () => {
    const dataDir = scratch();
    await new Stack(dataDir).run(shellJob('build-ok', 'echo built'));
    expect(readdirSync(join(dataDir, 'run'))).toEqual([]);
    expect(readdirSync(join(dataDir, 'logs'))).toEqual(['build-ok.log']);
  });

  it('fails with the log tail of a job that fails', async () => {
    const stack = new Stack(scratch());
    await expect(stack.run(shellJob('build-workflows', 'echo "error TS2307: no such module" >&2; exit 2'))).rejects.toThrow(
      /build-workflows exited with code 2\.[\s\S]*error TS2307: no such module/,
    );
  });

  it('ends a job still running when the stack stops', async () => {
    const dataDir = scratch();
    const stack = new Stack(dataDir);
    const pidFile = join(dataDir, 'job.pid');
    const job = stack.run(shellJob('slow-build', `echo $$ > ${pidFile}; sleep 300`));
    job.catch(() => {});
    const deadline = Date.now() + 10_000;
    while (!(existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(pid)).toBe(true);
    await stack.stop();
    await expect(job).rejects.toThrow('stopped while slow-build ran');
    expect(isAlive(pid)).toBe(false);
  });
});
