import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { postureClusterReadPermission, postureRefreshPermission } from '@posture-dev/backstage-plugin-posture-common';
import { RefreshClaims, memoryRefreshClaims } from './refreshClaims';

/** The scheduled task that collects one cluster. */
export function collectionTaskId(cluster: string): string {
  return `posture-collect:${cluster}`;
}

/** POST /refresh's answer when it is refused: still inside the cooldown of the last trigger. */
export interface RefreshRefused {
  retryAfterMs: number;
}

/**
 * Triggers every cluster's task, each at most once per `cooldownMs` across the replicas that share
 * `claims` (the plugin passes the database's; without it, this process's own). A task already
 * running is left alone (its run reads the latest state), and triggering a task that is due
 * anyway only moves its start forward, so triggers from several replicas never add runs.
 *
 * The cooldown is kept per task and starts only for a task that was triggered (or found running):
 * a trigger that failed (the database, say) gives its claim back, leaving the task free to be
 * triggered by the next request at once, rather than answering 429 for the whole cooldown for a
 * collection that never started. Per task rather than per request, so that retrying after a
 * partial failure triggers only what failed: the tasks already triggered keep their cooldown. One
 * failure does not stop the others being triggered; the first error is passed on (500) once every
 * task was tried. A request that finds every task inside its cooldown is refused, with the time
 * until the first is free.
 */
export function refreshTrigger(options: {
  scheduler: Pick<SchedulerService, 'triggerTask'>;
  taskIds: string[];
  cooldownMs: number;
  claims?: RefreshClaims;
  now?: () => number;
}): () => Promise<RefreshRefused | void> {
  const now = options.now ?? Date.now;
  const claims = options.claims ?? memoryRefreshClaims();
  return async () => {
    if (options.taskIds.length === 0) return undefined;
    const t = now();
    // claimed before the first trigger, so that a concurrent request finds them inside the cooldown
    const { claimed, busyUntil } = await claims.claim(options.taskIds, t, options.cooldownMs);
    if (claimed.length === 0) return { retryAfterMs: Math.max(0, (busyUntil ?? t) - t) };
    const mine = new Set(claimed);
    const failed: string[] = [];
    let failure: unknown;
    // in the configuration's order, as the tasks were scheduled
    for (const id of options.taskIds.filter(x => mine.has(x))) {
      try {
        await options.scheduler.triggerTask(id);
      } catch (e) {
        if (e instanceof ConflictError || (e as Error).name === 'ConflictError') continue;
        failed.push(id);
        failure ??= e;
      }
    }
    if (failed.length > 0) {
      // not triggered: no cooldown for them
      await claims.release(failed, t);
      throw failure;
    }
    return undefined;
  };
}

/**
 * Makes a task due again as soon as its current run has ended: the run returned without working
 * (PostureRefresher.tryRunCluster answered 'busy'), and the next replica to poll, one with a free
 * slot, claims it. The scheduler accepts a trigger only once the run's claim is released, which
 * happens just after the task function returns, so this retries a refused trigger for a while.
 * A replica killed in that moment leaves the cluster to its next interval, as a skipped run would.
 */
export function handBackTask(
  scheduler: Pick<SchedulerService, 'triggerTask'>,
  taskId: string,
  logger: Pick<LoggerService, 'warn'>,
  options: { attempts?: number; delayMs?: number } = {},
): Promise<boolean> {
  const attempts = options.attempts ?? 40;
  const delayMs = options.delayMs ?? 250;
  return (async () => {
    for (let i = 0; i < attempts; i++) {
      await new Promise(resolve => setTimeout(resolve, delayMs));
      try {
        await scheduler.triggerTask(taskId);
        return true;
      } catch (e) {
        if (!(e instanceof ConflictError) && (e as Error).name !== 'ConflictError') {
          logger.warn(`Posture could not hand task ${taskId} back to the scheduler: ${(e as Error).message}`);
          return false;
        }
      }
    }
    logger.warn(`Posture could not hand task ${taskId} back to the scheduler: its run was not released`);
    return false;
  })();
}

/** the original trigger and cancel of each scheduler lockSchedulerRoutes patched */
const patchedSchedulers = new WeakMap<
  SchedulerService,
  Pick<SchedulerService, 'triggerTask' | 'cancelTask'>
>();

/**
 * Takes the trigger and cancel of `scheduler` for the plugin's own use, and makes the originals
 * refuse: the scheduler's HTTP routes (`/.backstage/scheduler/v1/tasks/:id/trigger` and `/cancel`)
 * call them on this very object, with nothing of the caller's identity, and the core scheduler
 * mounts them ahead of every plugin route where no permission check can come first. Refused, they
 * answer 403. The returned object triggers and cancels as before, for POST /refresh.
 *
 * The task list route (`GET /.backstage/scheduler/v1/tasks`) is refused too: it names every cluster
 * and shows each task's last error, which GET /clusters keeps behind `posture.cluster.read`. That
 * route reads the scheduler's task array directly, not through a method, so the array is wrapped:
 * iterating it (what the route does) refuses, while `scheduleTask` still adds to it and
 * `getScheduledTasks()` still returns a copy. Returns whether the list could be locked (a scheduler
 * without that array, another implementation or a later version, keeps its list route).
 */
export function lockSchedulerRoutes(
  scheduler: SchedulerService,
): Pick<SchedulerService, 'scheduleTask' | 'triggerTask' | 'cancelTask'> & { listLocked: boolean } {
  // a scheduler shared by two plugin instances (tests) is patched once; both get the originals
  const originals = patchedSchedulers.get(scheduler) ?? {
    triggerTask: scheduler.triggerTask.bind(scheduler),
    cancelTask: scheduler.cancelTask.bind(scheduler),
  };
  patchedSchedulers.set(scheduler, originals);
  const { triggerTask, cancelTask } = originals;
  const refuse = async () => {
    throw new NotAllowedError(
      `Posture collection tasks are triggered through POST /api/posture/refresh, which needs ${postureRefreshPermission.name}`,
    );
  };
  const patched = scheduler as { triggerTask: SchedulerService['triggerTask']; cancelTask: SchedulerService['cancelTask'] };
  patched.triggerTask = refuse;
  patched.cancelTask = refuse;
  const listLocked = lockTaskList(scheduler);
  return { scheduleTask: task => scheduler.scheduleTask(task), triggerTask, cancelTask, listLocked };
}

/** See lockSchedulerRoutes: makes the list route refuse; false when the scheduler has no such array. */
function lockTaskList(scheduler: SchedulerService): boolean {
  const impl = scheduler as unknown as { allScheduledTasks?: unknown; getScheduledTasks: SchedulerService['getScheduledTasks'] };
  if (lockedLists.has(scheduler)) return true;
  const tasks = impl.allScheduledTasks;
  if (!Array.isArray(tasks)) return false;
  const guarded = {
    push: (task: unknown) => tasks.push(task),
    [Symbol.iterator](): Iterator<unknown> {
      throw new NotAllowedError(
        `Posture's collection tasks are listed by GET /api/posture/clusters, which needs ${postureClusterReadPermission.name}`,
      );
    },
  };
  Object.defineProperty(impl, 'allScheduledTasks', { get: () => guarded, configurable: true });
  impl.getScheduledTasks = async () => tasks.slice() as Awaited<ReturnType<SchedulerService['getScheduledTasks']>>;
  lockedLists.add(scheduler);
  return true;
}

const lockedLists = new WeakSet<SchedulerService>();

/**
 * The first delay of cluster `index` of `count`: spread over one interval, so the tasks fall due one
 * after the other. The scheduler hands a due task to whichever replica polls first; tasks due all at
 * once would mostly go to one replica, and then stay in step (each next run is one interval after
 * the last start).
 */
export function staggeredDelay(
  schedule: { initialDelay: HumanDuration; frequency: HumanDuration },
  index: number,
  count: number,
): HumanDuration {
  // Backstage's own conversion: weeks, months and years count too ('1w', 'P1M'), not as 0
  const ms = durationToMilliseconds;
  const step = count > 0 ? ms(schedule.frequency) / count : 0;
  return { milliseconds: Math.round(ms(schedule.initialDelay) + index * step) };
}
