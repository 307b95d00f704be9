import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { ClusterStatus } from '@posture-dev/backstage-plugin-posture-common';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import { PostureStoreApi } from './storeApi';

function status(name: string, collectedAt: string): ClusterStatus {
  return { name, type: 'kubernetes', collectedAt, lastAttemptAt: collectedAt, durationMs: 10, objectCounts: {}, error: null, stale: false };
}

describe('staleness by age', () => {
  it('marks data older than two collection intervals stale even when nothing failed', async () => {
    const now = Date.now();
    const store = {
      getClusterStatuses: async () => [
        status('fresh', new Date(now - 60_000).toISOString()),
        status('old', new Date(now - 3 * 3_600_000).toISOString()),
      ],
    } as unknown as PostureStoreApi;
    const router = await createRouter({
      store,
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      logger: mockServices.logger.mock(),
      checks: () => [],
      triggerRefresh: async () => {},
      staleAfterMs: 2 * 600_000,
    });
    const app = express().use(router).use(MiddlewareFactory.create({ config: mockServices.rootConfig(), logger: mockServices.logger.mock() }).error());
    const res = await request(app).get('/clusters').set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.clusters.map((c: ClusterStatus) => [c.name, c.stale])).toEqual([
      ['fresh', false],
      ['old', true],
    ]);
  });
});
