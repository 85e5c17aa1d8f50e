/**
 * `--cpu-prof`: the worker, the web and the baseline worker run under `node --cpu-prof` (one file
 * per thread at exit); this reads the files back and says, for each measured phase, where the
 * JavaScript time went: self time by package or project file, and the busiest functions. Native
 * threads (the SDK's Rust core, argon2 in libuv's pool) are not in these profiles: the per-thread
 * CPU figures cover them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../stack/paths.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A phase, in microseconds of the monotonic clock V8's profiler stamps samples with. */
export interface Window {
  startUs: number;
  endUs: number;
}

export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export interface ProfileSummary {
  /** Sampled time in the window, idle excluded, ms. */
  busyMs: number;
  byCategory: [string, number][];
  byFunction: [string, number][];
}

function category({ functionName, url }: CallFrame): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(V8 builtins / native)';
  if (url.startsWith('node:')) return 'node (core modules)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (/workflow-bundle-|webpack/.test(url)) return 'workflow bundle (workflow code + @temporalio/workflow)';
  const path = url.replace(/^file:\/\//, '');
  if (path.startsWith(repoRoot)) return relative(repoRoot, path);
  return url.slice(0, 80);
}

const shortUrl = (url: string) =>
  url
    .replace(/^file:\/\//, '')
    .replace(`${repoRoot}/`, '')
    .replace(/^.*node_modules\//, '');

function summarise(profile: CpuProfile, windows: Window[]): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const categories = new Map<string, number>();
  const functions = new Map<string, number>();
  let t = profile.startTime;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const next = profile.timeDeltas[i + 1] ?? 0;
    if (!windows.some((w) => t >= w.startUs && t <= w.endUs)) continue;
    const frame = nodes.get(profile.samples[i]!);
    if (!frame || frame.functionName === '(idle)') continue;
    const ms = next / 1000;
    busy += ms;
    const cat = category(frame);
    categories.set(cat, (categories.get(cat) ?? 0) + ms);
    const fn = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [k, Math.round(v)] as [string, number]);
  return { busyMs: Math.round(busy), byCategory: top(categories, 12), byFunction: top(functions, 15) };
}

/**
 * For each process folder under `dir` and each thread's profile in it, a summary per window.
 * Keys: "<process> main thread", "<process> worker thread <n>".
 */
export function summariseProfiles(dir: string, windows: Record<string, Window[]>): Record<string, Record<string, ProfileSummary>> {
  const out: Record<string, Record<string, ProfileSummary>> = {};
  if (!existsSync(dir)) return out;
  for (const proc of readdirSync(dir)) {
    const files = readdirSync(join(dir, proc))
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort();
    for (const file of files) {
      // CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread.
      const thread = /\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1] ?? file;
      const profile = JSON.parse(readFileSync(join(dir, proc, file), 'utf8')) as CpuProfile;
      const perWindow: Record<string, ProfileSummary> = {};
      for (const [phase, phaseWindows] of Object.entries(windows)) {
        const summary = summarise(profile, phaseWindows);
        if (summary.busyMs > 0) perWindow[phase] = summary;
      }
      if (Object.keys(perWindow).length > 0) out[`${proc} ${thread === '0' ? 'main thread' : `worker thread ${thread}`}`] = perWindow;
    }
  }
  return out;
}
