/**
 * Stub activities for the fast tier of workflow tests (test/workflow/fast/): plain functions that
 * record each call and answer what the scenario needs, in place of the registry, the mailer and the
 * SMS provider. They are typed against the real activities (activities/index.ts), so a renamed
 * activity or a changed input or result breaks the compile here before it breaks a test.
 *
 * A call is recorded once, when its attempt succeeds: a stub told to fail its next attempts throws
 * before recording anything, as a crashed server would, and the workflow retries it.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { RenewalActivities } from '../../activities/index.js';
import { normaliseEmail } from '../../domain/account-keys.js';

/** Every activity credentialRenewalWorkflow schedules (workflows/credential-renewal.ts), local or not. */
export const STUBBED_ACTIVITIES = [
  'findAccount',
  'verifySecret',
  'assignNewIdentifier',
  'issueNewPassword',
  'emailRenewalLink',
  'notifyChange',
  'notifyLockout',
  'emailRefusal',
] as const satisfies readonly (keyof RenewalActivities)[];

export type StubbedName = (typeof STUBBED_ACTIVITIES)[number];
export type StubbedActivities = Pick<RenewalActivities, StubbedName>;
export type ActivityInput<N extends StubbedName> = Parameters<StubbedActivities[N]>[0];
export type ActivityResult<N extends StubbedName> = Awaited<ReturnType<StubbedActivities[N]>>;

/** The emails a renewal sends to the account: the ones its hourly allowance counts. */
export const ALLOWANCE_EMAILS = ['emailRenewalLink', 'emailRefusal'] as const satisfies readonly StubbedName[];

export interface CallRecord<N extends StubbedName = StubbedName> {
  activity: N;
  input: ActivityInput<N>;
  result: ActivityResult<N>;
  workflowId: string;
  runId: string;
  activityId: string;
  attempt: number;
  local: boolean;
  /** When this attempt was scheduled, on the Temporal server's clock (skipped time included). */
  scheduledAt: number;
}

/**
 * One account of the stub registry, with the two secrets that authenticate its renewals. The stub
 * registry holds one for every NUMIC, all derived from it (`stubAccount`): a worker in another
 * process knows the same accounts without being told.
 */
export interface StubAccount {
  accountId: string;
  numic: string;
  email: string;
  phone: string;
  /** Authenticates an identifier renewal. */
  password: string;
  /** Authenticates a password renewal. */
  identifier: string;
}

/** Which calls a fault or a hold applies to; every call when empty. */
export interface CallFilter {
  workflowId?: string;
}

/** What a held call is about to return, while the test holds it. */
export interface HeldCall<N extends StubbedName> {
  input: ActivityInput<N>;
  result: ActivityResult<N>;
  workflowId: string;
}

interface Fault {
  activity: StubbedName;
  filter: CallFilter;
  left: number;
}

interface Hold {
  activity: StubbedName;
  filter: CallFilter;
  reach: (call: HeldCall<StubbedName>) => void;
  released: Promise<void>;
}

const matches = (filter: CallFilter, workflowId: string) => filter.workflowId === undefined || filter.workflowId === workflowId;

/** The SHA-256 hex the workflow keeps of a link: stable per activity, as the real link is across retries. */
const linkHashOf = (workflowId: string, runId: string, activityId: string) =>
  createHash('sha256').update(`lien-bouchon\0${workflowId}\0${runId}\0${activityId}`).digest('hex');

export function stubAccount(numic: string): StubAccount {
  return {
    accountId: `compte-${numic}`,
    numic,
    email: `citoyen.${numic}@example.org`,
    phone: `+33612${numic.slice(-6).padStart(6, '0')}`,
    password: `Mot-de-passe-${numic}`,
    identifier: `IDEN-${numic}`,
  };
}

/** The account an ID names (`compte-<NUMIC>`), as the registry's findById. */
function accountById(accountId: string): StubAccount {
  const numic = /^compte-(.+)$/.exec(accountId)?.[1];
  // Like the real activities: an unknown account is not worth retrying (and never happens here).
  if (!numic) throw new Error(`stub registry: no account ${accountId}`);
  return stubAccount(numic);
}

let accountsMade = 0;

export interface StubOptions {
  /** Told of every successful call (a worker in another process sends them to the test). */
  onCall?: (call: CallRecord) => void;
  /** The stubs run in another process (their calls come in through `ingest`): no fault or hold can be set here. */
  remote?: boolean;
}

export function createStubActivities({ onCall, remote = false }: StubOptions = {}) {
  const local = (what: string) => {
    if (remote) throw new Error(`stub activities: ${what} needs the worker in this process`);
  };
  const calls: CallRecord[] = [];
  const failedAttempts: { activity: StubbedName; workflowId: string; attempt: number }[] = [];
  const faults: Fault[] = [];
  const holds: Hold[] = [];
  const releases: (() => void)[] = [];
  const listeners = new Set<() => void>();
  /** Identifiers already assigned, per renewal: a retry returns the first one (as registry.assignIdentifier). */
  const issued = new Map<string, string>();

  /** Runs one attempt of a stub: its injected failure, its result, its hold, then its record. */
  async function run<N extends StubbedName>(activity: N, input: ActivityInput<N>, answer: () => ActivityResult<N>) {
    const { workflowExecution, activityId, attempt, isLocal, currentAttemptScheduledTimestampMs } = Context.current().info;
    const { workflowId, runId } = workflowExecution!;
    const fault = faults.find((f) => f.activity === activity && f.left > 0 && matches(f.filter, workflowId));
    if (fault) {
      fault.left--;
      failedAttempts.push({ activity, workflowId, attempt });
      throw new Error(`${activity}: panne simulée (tentative ${attempt})`);
    }
    const result = answer();
    const hold = holds.find((h) => h.activity === activity && matches(h.filter, workflowId));
    if (hold) {
      holds.splice(holds.indexOf(hold), 1);
      hold.reach({ input, result, workflowId });
      await hold.released;
    }
    record({
      activity,
      input,
      result,
      workflowId,
      runId,
      activityId,
      attempt,
      local: isLocal,
      scheduledAt: currentAttemptScheduledTimestampMs,
    } as CallRecord);
    return result;
  }

  function record(call: CallRecord) {
    calls.push(call);
    onCall?.(call);
    for (const listener of listeners) listener();
  }

  const activities: StubbedActivities = {
    async findAccount(input) {
      return run('findAccount', input, () => {
        const account = stubAccount(input.numic);
        return account.email === normaliseEmail(input.email) ? { accountId: account.accountId } : null;
      });
    },
    async verifySecret(input) {
      return run('verifySecret', input, () => {
        const account = accountById(input.accountId);
        // No sealing here: the stub is where the real activity would open the sealed secret.
        return input.sealedSecret === (input.kind === 'identifier' ? account.password : account.identifier);
      });
    },
    async assignNewIdentifier(input) {
      return run('assignNewIdentifier', input, () => {
        const key = `${input.renewalId}:identifier`;
        if (!issued.has(key))
          issued.set(key, `NOUV-${String(issued.size + 1).padStart(4, '0')}-${accountById(input.accountId).numic.slice(-4)}`);
        return { identifier: issued.get(key)! };
      });
    },
    async issueNewPassword(input) {
      return run('issueNewPassword', input, () => ({ phoneEnding: accountById(input.accountId).phone.replace(/\D/g, '').slice(-2) }));
    },
    async emailRenewalLink(input) {
      const { workflowExecution, activityId } = Context.current().info;
      return run('emailRenewalLink', input, () => ({
        linkHash: linkHashOf(workflowExecution!.workflowId, workflowExecution!.runId, activityId),
      }));
    },
    async notifyChange(input) {
      return run('notifyChange', input, () => undefined);
    },
    async notifyLockout(input) {
      return run('notifyLockout', input, () => undefined);
    },
    async emailRefusal(input) {
      return run('emailRefusal', input, () => undefined);
    },
  };

  function recorded<N extends StubbedName>(activity: N, filter: CallFilter = {}): CallRecord<N>[] {
    return calls.filter((c): c is CallRecord<N> => c.activity === activity && matches(filter, c.workflowId));
  }

  /** Resolves once `check` holds after a recorded call (or at once); fails after `timeoutMs` saying what it waited for. */
  function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
    const now = check();
    if (now) return Promise.resolve(now);
    return new Promise<T>((resolve, reject) => {
      const listener = () => {
        const value = check();
        if (!value) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(value);
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`stub activities: still waiting for ${what} after ${timeoutMs} ms`));
      }, timeoutMs);
      listeners.add(listener);
    });
  }

  return {
    /** Register these with the worker. */
    activities,

    /** An account of the stub registry no other renewal of this process has used (a fresh NUMIC). */
    newAccount(): StubAccount {
      return stubAccount(`${process.pid % 1_000_000}`.padStart(6, '0') + String(++accountsMade).padStart(4, '0'));
    },

    /** Records a call made by stubs in another process (see `onCall`). */
    ingest: record,

    /** The successful calls of one activity, oldest first. */
    calls: recorded,

    /** Every successful call, oldest first. */
    allCalls(filter: CallFilter = {}): CallRecord[] {
      return calls.filter((c) => matches(filter, c.workflowId));
    },

    /** The attempts that failed on purpose (failNext). */
    failedAttempts(activity: StubbedName, filter: CallFilter = {}) {
      return failedAttempts.filter((f) => f.activity === activity && matches(filter, f.workflowId));
    },

    /** The next `times` attempts of `activity` fail (a retryable error) before doing anything. */
    failNext(activity: StubbedName, times: number, filter: CallFilter = {}): void {
      local('failNext');
      faults.push({ activity, filter, left: times });
    },

    /**
     * Holds the next call of `activity` after it has done its work and before it returns (an email
     * gone, its activity not yet completed). `reached` gives what it will return; `release` lets it go.
     */
    holdNext<N extends StubbedName>(activity: N, filter: CallFilter = {}) {
      local('holdNext');
      let release!: () => void;
      let reach!: (call: HeldCall<N>) => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      releases.push(release);
      const reached = new Promise<HeldCall<N>>((resolve) => (reach = resolve));
      holds.push({ activity, filter, reach: reach as (call: HeldCall<StubbedName>) => void, released });
      return { reached, release };
    },

    /** Lets every held call go, and drops the holds not reached yet (a test that failed midway). */
    releaseAll(): void {
      for (const release of releases) release();
      releases.length = 0;
      holds.length = 0;
    },

    /** Waits until `count` calls of `activity` have succeeded, and returns them. */
    waitForCalls<N extends StubbedName>(activity: N, count: number, filter: CallFilter = {}, timeoutMs?: number): Promise<CallRecord<N>[]> {
      return until(
        () => {
          const found = recorded(activity, filter);
          return found.length >= count && found;
        },
        `${count} × ${activity}${filter.workflowId ? ` of ${filter.workflowId}` : ''}`,
        timeoutMs,
      );
    },
  };
}

export type StubActivities = ReturnType<typeof createStubActivities>;
