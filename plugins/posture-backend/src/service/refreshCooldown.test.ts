import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import express from 'express';
import request from 'supertest';
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
});
