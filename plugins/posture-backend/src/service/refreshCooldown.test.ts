import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import { refreshTrigger } from '../scheduling';
import { createRouter } from './router';
import { PostureStoreApi } from './storeApi';

describe('POST /refresh inside the cooldown', () => {
  it("answers 429 with Retry-After and a Backstage error body whose message the UI shows", async () => {
    const router = await createRouter({
      store: {} as PostureStoreApi,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      logger: mockServices.logger.mock(),
      checks: () => [],
      triggerRefresh: async () => ({ retryAfterMs: 41_200 }),
    });
    const app = express()
      .use(router)
      .use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.logger.mock() }).error());
    const res = await request(app).post('/refresh').set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('42');
    // what PostureClient turns it into: the message survives as the body's, not only "Request failed with 429"
    const error = await ResponseError.fromResponse({
      ok: false,
      status: 429,
      statusText: 'Too Many Requests',
      headers: new Headers({ 'content-type': 'application/json' }),
      text: async () => JSON.stringify(res.body),
    } as unknown as Response);
    expect(error.body.error.message).toBe('A collection was triggered moments ago; retry in 42 s');
  });

  it('is not entered by a refresh whose trigger failed: 500, then a retry at once is accepted', async () => {
    let databaseDown = true;
    const triggered: string[] = [];
    const router = await createRouter({
      store: {} as PostureStoreApi,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      logger: mockServices.logger.mock(),
      checks: () => [],
      triggerRefresh: refreshTrigger({
        scheduler: {
          triggerTask: async id => {
            if (databaseDown && id === 'posture-collect:west') throw new Error('connection terminated');
            triggered.push(id);
          },
        },
        taskIds: ['posture-collect:east', 'posture-collect:west', 'posture-collect:north'],
        cooldownMs: 60_000,
      }),
    });
    const app = express()
      .use(router)
      .use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.logger.mock() }).error());
    const post = () => request(app).post('/refresh').set('Authorization', mockCredentials.user.header());

    expect((await post()).status).toBe(500);
    // the tasks after the failed one were still triggered
    expect(triggered).toEqual(['posture-collect:east', 'posture-collect:north']);
    databaseDown = false;
    // the failed task was never triggered, so no cooldown holds it back
    expect((await post()).status).toBe(202);
    expect(triggered).toEqual(['posture-collect:east', 'posture-collect:north', 'posture-collect:west']);
    // every task triggered now: the cooldown applies
    expect((await post()).status).toBe(429);
  });
});
