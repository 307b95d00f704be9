import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  NotificationService,
  notificationService,
} from '@backstage/plugin-notifications-node';
import { ClusterStatus, EntityScorecard } from '@posture-dev/backstage-plugin-posture-common';
import { builtInChecks } from '@posture-dev/backstage-plugin-posture-node';
import { Knex } from 'knex';
import request from 'supertest';
import { KubernetesClusterConfig, readPostureConfig } from '../config';
import { KubernetesClusterSource } from '../clusters/kubernetesSource';
import { COLLECTED_KINDS } from '../clusters/kinds';
import { posturePlugin } from '../plugin';
import { PostureRefresher } from '../refresher';
import { PostureRunStore } from '../runStoreApi';
import { LoadBoard } from '../replicaLoads';
import { KubeApiTestServer, startKubeApiTestServer } from '../testUtils';

/**
 * Shared builders for the backend's integration tests: cluster data, catalog
 * entities, test clusters and a running posture backend.
 */

export const TOKEN = 'posture-reader-token';
export const ID_LABEL = 'backstage.io/kubernetes-id';
export const API = '/api/posture';

export interface WorkloadSpec {
  id: string;
  namespace?: string;
  /** a container security context that passes the hardening checks */
  hardened?: boolean;
  replicas?: number;
}

/** A Deployment with its Service, HPA and PDB, as a team would ship it. */
export function workloadObjects(spec: WorkloadSpec): object[] {
  const { id } = spec;
  const namespace = spec.namespace ?? 'apps';
  const labels = { [ID_LABEL]: id, app: id };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: id, namespace, labels },
      spec: {
        replicas: spec.replicas ?? 2,
        selector: { matchLabels: { app: id } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'app',
                image: `registry.example.com/${id}:1.0.0`,
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { memory: '256Mi' },
                },
                ...(spec.hardened
                  ? {
                      securityContext: {
                        readOnlyRootFilesystem: true,
                        allowPrivilegeEscalation: false,
                        runAsNonRoot: true,
                        capabilities: { drop: ['ALL'] },
                      },
                    }
                  : {}),
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: id, namespace, labels },
      spec: { selector: { app: id }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: id, namespace, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: id },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: id, namespace, labels },
      spec: { selector: { matchLabels: { app: id } }, maxUnavailable: 1 },
    },
  ];
}

export function component(
  name: string,
  options: { kubernetesId?: string | null; owner?: string } = {},
): Entity {
  const id = options.kubernetesId === undefined ? name : options.kubernetesId;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      ...(id ? { annotations: { [ID_LABEL]: id } } : {}),
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: options.owner ?? 'group:default/team-a',
    },
  };
}

export function startCluster(name: string, objects: object[]): Promise<KubeApiTestServer> {
  return startKubeApiTestServer({ name, token: TOKEN, objects });
}

export interface ClusterOptions {
  timeoutMs?: number;
  pageSize?: number;
}

export function clusterConfig(
  name: string,
  server: KubeApiTestServer,
  options: ClusterOptions = {},
): KubernetesClusterConfig {
  return {
    type: 'kubernetes',
    name,
    url: server.url,
    skipTLSVerify: true,
    serviceAccountToken: TOKEN,
    inCluster: false,
    timeoutMs: options.timeoutMs ?? 10_000,
    pageSize: options.pageSize ?? 500,
  };
}

/** The app-config block for a cluster, as an admin would write it. */
function clusterAppConfig(name: string, server: KubeApiTestServer, options: ClusterOptions) {
  return {
    type: 'kubernetes',
    name,
    url: server.url,
    skipTLSVerify: true,
    serviceAccountToken: TOKEN,
    timeout: { milliseconds: options.timeoutMs ?? 10_000 },
    ...(options.pageSize ? { pageSize: options.pageSize } : {}),
  };
}

export interface TestCluster {
  name: string;
  server: KubeApiTestServer;
  options?: ClusterOptions;
}

/**
 * The posture plugin in a test backend, with the catalog, database and
 * notifications replaced; requests go over real HTTP.
 */
export async function startPostureBackend(options: {
  knex: Knex;
  clusters: TestCluster[];
  entities: Entity[];
}) {
  const sent: Parameters<NotificationService['send']>[0][] = [];
  const notifications = createServiceFactory({
    service: notificationService,
    deps: {},
    factory: (): NotificationService => ({
      async send(n) {
        sent.push(n);
      },
    }),
  });
  const { server } = await startTestBackend({
    features: [
      posturePlugin,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      notifications,
      mockServices.rootConfig.factory({
        data: {
          posture: {
            clusters: options.clusters.map(c => clusterAppConfig(c.name, c.server, c.options ?? {})),
            schedule: { frequency: { hours: 1 }, timeout: { minutes: 2 }, initialDelay: { hours: 1 } },
            // tests refresh back to back
            refreshCooldown: { milliseconds: 0 },
            // in Jest a worker thread compiles the TypeScript sources first (seconds each, which
            // production does not pay); worker threads have their own tests (worker/runInWorker.test.ts)
            workerThreads: false,
          },
        },
      }),
    ],
  });

  const auth = { Authorization: mockCredentials.user.header() };
  const get = async <T = any>(path: string): Promise<T> => {
    const res = await request(server).get(`${API}${path}`).set(auth);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as T;
  };
  const clusters = async () => (await get<{ clusters: ClusterStatus[] }>('/clusters')).clusters;

  /** POST /refresh, then waits until every cluster records a new attempt (saved in the run's transaction). */
  const refresh = async () => {
    const before = new Map((await clusters()).map(c => [c.name, c.lastAttemptAt]));
    const res = await request(server).post(`${API}/refresh`).set(auth);
    expect(res.status).toBe(202);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const now = await clusters();
      const done =
        now.length === options.clusters.length &&
        now.every(c => c.lastAttemptAt !== null && c.lastAttemptAt !== before.get(c.name));
      if (done) return now;
      if (Date.now() > deadline) throw new Error(`collection did not finish: ${JSON.stringify(now)}`);
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  };

  const entity = (name: string) => get<EntityScorecard>(`/entities/component/default/${name}`);
  const history = async (name: string) =>
    (await get<{ points: any[] }>(`/entities/component/default/${name}/history`)).points;

  return { server, auth, get, clusters, refresh, entity, history, notifications: sent };
}

/** A refresher with the real engine and catalog mock, for tests that drive runs directly. */
export function makeRefresher(options: {
  store: PostureRunStore;
  clusters: TestCluster[];
  entities: Entity[];
  /** `posture` app-config on top of the test defaults */
  posture?: Record<string, unknown>;
  /** instead of a catalog mock holding `entities` */
  catalog?: CatalogService;
  /** the replicas' load board */
  loads?: LoadBoard;
}) {
  const sources = options.clusters.map(
    c => new KubernetesClusterSource(clusterConfig(c.name, c.server, c.options)),
  );
  return {
    sources,
    refresher: new PostureRefresher({
      sources,
      store: options.store,
      catalog: options.catalog ?? catalogServiceMock({ entities: options.entities }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      config: readPostureConfig(new ConfigReader({ posture: { notifyOnRegression: false, ...options.posture } })),
      checks: builtInChecks,
      loads: options.loads,
    }),
  };
}

/** Kinds one collection lists when no optional CRD is served. */
export const LISTED_KINDS = COLLECTED_KINDS.filter(k => !k.optional);

/**
 * The requests one collection of a cluster should make: one discovery call,
 * then one LIST per kind plus one more per further page.
 */
export function expectedRequests(server: KubeApiTestServer, pageSize: number): number {
  const counts = new Map<string, number>();
  for (const o of server.objects()) counts.set(o.kind as string, (counts.get(o.kind as string) ?? 0) + 1);
  let pages = 0;
  for (const k of LISTED_KINDS) pages += Math.max(1, Math.ceil((counts.get(k.kind) ?? 0) / pageSize));
  // discovery (GET /apis) and the server's version (GET /version), then the pages
  return 2 + pages;
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
