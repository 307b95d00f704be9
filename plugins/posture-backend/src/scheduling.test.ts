import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import express from 'express';
import { Knex } from 'knex';
import request from 'supertest';
import { MAX_CLUSTER_NAME_CHARS } from './config';
import { collectionTaskId, handBackTask, lockSchedulerRoutes, refreshTrigger, staggeredDelay } from './scheduling';

// PostgreSQL runs when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set; never start a container
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'], disableDocker: true });

/** Backstage's own scheduler on a test database; `mount` receives the routes it would mount. */
function realScheduler(knex: Knex, mount: (handler: express.Handler) => void = () => {}) {
  return DefaultSchedulerService.create({
    database: mockServices.database({ knex }),
    logger: mockServices.logger.mock(),
    metrics: metricsServiceMock.mock(),
    rootLifecycle: mockServices.rootLifecycle.mock(),
    pluginMetadata: { getId: () => 'posture' },
    httpRouter: { use: mount, addAuthPolicy: () => {}, addWebSocketHandler: () => {} },
  });
}

describe('refreshTrigger', () => {
  it('triggers every task once per cooldown, and tells when to retry', async () => {
    let now = 1_000_000;
    const triggered: string[] = [];
    const trigger = refreshTrigger({
      scheduler: {
        triggerTask: async id => {
          triggered.push(id);
          // a task already running is no reason to refuse
          if (id === collectionTaskId('west')) throw new ConflictError('running');
        },
      },
      taskIds: [collectionTaskId('east'), collectionTaskId('west')],
      cooldownMs: 60_000,
      now: () => now,
    });
    expect(await trigger()).toBeUndefined();
    expect(triggered).toEqual(['posture-collect:east', 'posture-collect:west']);
    now += 15_000;
    expect(await trigger()).toEqual({ retryAfterMs: 45_000 });
    expect(triggered).toHaveLength(2);
    now += 45_000;
    expect(await trigger()).toBeUndefined();
    expect(triggered).toHaveLength(4);
  });

  it('starts no cooldown for a task whose trigger failed, and still triggers the others', async () => {
    let now = 1_000_000;
    const triggered: string[] = [];
    let failures = 1;
    const trigger = refreshTrigger({
      scheduler: {
        triggerTask: async id => {
          if (id === 'b' && failures-- > 0) throw new Error('database down');
          triggered.push(id);
        },
      },
      taskIds: ['a', 'b', 'c'],
      cooldownMs: 60_000,
      now: () => now,
    });
    // the error is passed on (500), but only after c was triggered too
    await expect(trigger()).rejects.toThrow('database down');
    expect(triggered).toEqual(['a', 'c']);
    // a retry at once is no 429: b was never triggered; a and c keep their cooldown
    now += 1_000;
    expect(await trigger()).toBeUndefined();
    expect(triggered).toEqual(['a', 'c', 'b']);
    // now every task is inside its cooldown: refused until a and c are free again
    now += 1_000;
    expect(await trigger()).toEqual({ retryAfterMs: 58_000 });
    expect(triggered).toHaveLength(3);
  });

  it('lets concurrent requests trigger each task once', async () => {
    const triggered: string[] = [];
    const trigger = refreshTrigger({
      scheduler: {
        triggerTask: async id => {
          await new Promise(r => setTimeout(r, 10));
          triggered.push(id);
        },
      },
      taskIds: ['a', 'b'],
      cooldownMs: 60_000,
      now: () => 1_000_000,
    });
    // the second arrives while the first is still triggering: refused, as before this per-task cooldown
    expect(await Promise.all([trigger(), trigger()])).toEqual([undefined, { retryAfterMs: 60_000 }]);
    expect(triggered.sort()).toEqual(['a', 'b']);
  });

  it('passes on errors other than a running task', async () => {
    const trigger = refreshTrigger({
      scheduler: { triggerTask: async () => Promise.reject(new Error('database down')) },
      taskIds: ['t'],
      cooldownMs: 0,
    });
    await expect(trigger()).rejects.toThrow('database down');
  });
});

describe('lockSchedulerRoutes', () => {
  it("refuses the scheduler's own list, trigger and cancel routes, and still triggers for the plugin", async () => {
    const knex = await databases.init('SQLITE_3');
    let routes: express.Handler | undefined;
    const scheduler = realScheduler(knex, h => (routes = h));
    const tasks = lockSchedulerRoutes(scheduler);
    const stop = new AbortController();
    await tasks.scheduleTask({
      signal: stop.signal,
      initialDelay: { hours: 1 },
      id: collectionTaskId('east'),
      frequency: { hours: 1 },
      timeout: { minutes: 1 },
      scope: 'global',
      fn: async () => {},
    });
    const app = express();
    app.use(routes!);
    app.use(MiddlewareFactory.create({ config: new ConfigReader({}), logger: mockServices.logger.mock() }).error());

    for (const action of ['trigger', 'cancel']) {
      const res = await request(app).post(`/.backstage/scheduler/v1/tasks/${encodeURIComponent(collectionTaskId('east'))}/${action}`);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/POST \/api\/posture\/refresh/);
    }
    // the task list names every cluster and its last error: refused like GET /clusters without permission
    const list = await request(app).get('/.backstage/scheduler/v1/tasks');
    expect(list.status).toBe(403);
    expect(list.body.error.message).toMatch(/GET \/api\/posture\/clusters/);
    expect(JSON.stringify(list.body)).not.toContain('east');
    // while the plugin (and anything in-process) still sees its tasks
    expect((await scheduler.getScheduledTasks()).map(t => t.id)).toEqual([collectionTaskId('east')]);
    expect(tasks.listLocked).toBe(true);
    // locking twice (two plugin instances on one scheduler) keeps the list
    expect(lockSchedulerRoutes(scheduler).listLocked).toBe(true);
    expect((await scheduler.getScheduledTasks()).map(t => t.id)).toEqual([collectionTaskId('east')]);

    // the plugin's own trigger still reaches the task table
    await tasks.triggerTask(collectionTaskId('east'));
    const row = await knex('backstage_backend_tasks__tasks').where({ id: collectionTaskId('east') }).first();
    expect(row).toBeDefined();
    stop.abort();
  });
});

describe('task ids of the longest cluster names', () => {
  it.each(databases.eachSupportedId())(
    'schedule on the real scheduler up to the limit readPostureConfig enforces, %p',
    async id => {
      const knex = await databases.init(id);
      const scheduler = realScheduler(knex);
      const stop = new AbortController();
      const schedule = (name: string) =>
        scheduler.scheduleTask({
          signal: stop.signal,
          id: collectionTaskId(name),
          frequency: { hours: 1 },
          timeout: { minutes: 1 },
          initialDelay: { hours: 1 },
          scope: 'global',
          fn: async () => {},
        });
      try {
        await schedule('a'.repeat(MAX_CLUSTER_NAME_CHARS));
        // the table counts characters: an emoji is one, though two UTF-16 units
        await schedule('😀'.repeat(MAX_CLUSTER_NAME_CHARS));
        // one more character is what readPostureConfig refuses: PostgreSQL's varchar(255) would
        // (SQLite does not enforce the length)
        const oneMore = await schedule('a'.repeat(MAX_CLUSTER_NAME_CHARS + 1)).then(
          () => 'accepted',
          (e: Error) => e.message,
        );
        expect(oneMore).toMatch(id === 'POSTGRES_15' ? /value too long for type character varying\(255\)/ : /^accepted$/);
      } finally {
        stop.abort();
      }
    },
  );
});

describe('staggeredDelay', () => {
  it('spreads the first runs of the cluster tasks over one interval', () => {
    const schedule = { initialDelay: { seconds: 5 }, frequency: { minutes: 10 } };
    expect([0, 1, 2, 3].map(i => staggeredDelay(schedule, i, 4).milliseconds)).toEqual([5_000, 155_000, 305_000, 455_000]);
  });

  it('counts weeks, months and years, as the scheduler does', () => {
    const day = 24 * 60 * 60 * 1000;
    expect(staggeredDelay({ initialDelay: { weeks: 1 }, frequency: { weeks: 2 } }, 1, 2)).toEqual({ milliseconds: 14 * day });
    expect(staggeredDelay({ initialDelay: { seconds: 0 }, frequency: { months: 1 } }, 1, 3)).toEqual({ milliseconds: 10 * day });
    expect(staggeredDelay({ initialDelay: { years: 1 }, frequency: { hours: 1 } }, 0, 1)).toEqual({ milliseconds: 365 * day });
  });
});

describe('handBackTask', () => {
  it('makes a task that returned without working due again at once, on the real scheduler', async () => {
    const knex = await databases.init('SQLITE_3');
    const scheduler = realScheduler(knex);
    const logger = mockServices.logger.mock();
    const stop = new AbortController();
    const id = collectionTaskId('east');
    const calls: number[] = [];
    let handedBack: Promise<boolean> | undefined;
    await scheduler.scheduleTask({
      signal: stop.signal,
      id,
      // without the hand-back, the next run would be an hour away
      frequency: { hours: 1 },
      timeout: { minutes: 1 },
      scope: 'global',
      fn: async () => {
        calls.push(Date.now());
        // the first run finds no free slot and hands the task back, as plugin.ts does
        if (calls.length === 1) handedBack = handBackTask(scheduler, id, logger, { delayMs: 50 });
      },
    });
    try {
      const deadline = Date.now() + 30_000;
      while (calls.length < 2 && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
      expect(calls).toHaveLength(2);
      await expect(handedBack).resolves.toBe(true);
      expect(logger.warn).not.toHaveBeenCalled();
    } finally {
      stop.abort();
    }
    // the scheduler polls for due tasks every 5 s
  }, 40_000);

  it('retries while the run is not yet released, and gives up with a warning on other errors', async () => {
    const logger = mockServices.logger.mock();
    let refusals = 2;
    const triggerTask = jest.fn(async () => {
      if (refusals-- > 0) throw new ConflictError('Task posture-collect:east is currently running');
    });
    await expect(handBackTask({ triggerTask }, 'posture-collect:east', logger, { delayMs: 1 })).resolves.toBe(true);
    expect(triggerTask).toHaveBeenCalledTimes(3);

    const broken = jest.fn(async () => {
      throw new Error('database is gone');
    });
    await expect(handBackTask({ triggerTask: broken }, 'posture-collect:east', logger, { delayMs: 1 })).resolves.toBe(false);
    expect(broken).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/could not hand task posture-collect:east back.*database is gone/));

    const stuck = jest.fn(async () => {
      throw new ConflictError('running');
    });
    await expect(handBackTask({ triggerTask: stuck }, 'posture-collect:east', logger, { delayMs: 1, attempts: 3 })).resolves.toBe(false);
    expect(stuck).toHaveBeenCalledTimes(3);
  });
});
