import {
  BackstageCredentials,
  LoggerService,
  RootLoggerService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { EntityScorecard, ClusterStatus } from '@posture-dev/backstage-plugin-posture-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { posturePlugin } from '../plugin';
import { PostureStore } from '../store';

/** Test harness: the posture plugin mounted in a real test backend (auth barrier, error middleware) over SQLite. */

export const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

export interface LogLine {
  level: string;
  message: string;
  meta?: unknown;
}

/** A root logger that records every line (with the meta of every child) so tests can search them. */
export function capturingRootLogger(lines: LogLine[]): RootLoggerService {
  const make = (fields: Record<string, unknown>): RootLoggerService => {
    const log =
      (level: string) =>
      (message: string, meta?: Error | Record<string, unknown>) => {
        lines.push({ level, message, meta: { ...fields, ...(meta instanceof Error ? { error: String(meta.stack) } : meta) } });
      };
    const logger: LoggerService = {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: meta => make({ ...fields, ...meta }),
    };
    return logger as RootLoggerService;
  };
  return make({});
}

export type PermissionsMode =
  | { result: AuthorizeResult.ALLOW | AuthorizeResult.DENY }
  /** conditional for the resource read; per-entity decisions allow only `readable`; basic permissions allowed */
  | { conditional: Set<string> }
  /** the permission backend answers with an error, as a ResponseError from a failed call does */
  | { upstreamFailure: true };

export interface StartOptions {
  permissions?: PermissionsMode;
  entities?: EntityScorecard[];
  clusterStatuses?: ClusterStatus[];
  catalogEntities?: Entity[];
  /** manifest files for the `manifests` cluster (relative path -> YAML) */
  manifests?: Record<string, string>;
  logs?: LogLine[];
  /** credentials of a request that carries none; unauthenticated by default */
  defaultCredentials?: BackstageCredentials;
  /** more `posture` config, e.g. campaigns */
  postureConfig?: Record<string, unknown>;
  /** configure no cluster at all (an app that installed Posture but configured nothing) */
  noClusters?: boolean;
  /** when the entities' run was saved; default 2025-01-01, so their data is old (stale by age) */
  savedAt?: string;
}

function permissionsFactory(mode: PermissionsMode) {
  if ('result' in mode) return mockServices.permissions.factory({ result: mode.result });
  if ('upstreamFailure' in mode) {
    const fail = async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: { name: 'NotAllowedError', message: '' },
            request: { method: 'POST', url: '/.well-known/backstage/permissions/apply-conditions' },
            response: { statusCode: 403 },
          }),
          { status: 403, statusText: 'Forbidden', headers: { 'content-type': 'application/json' } },
        ) as any,
      );
    };
    return mockServices.permissions.mock({ authorize: fail, authorizeConditional: fail } as any).factory;
  }
  const readable = mode.conditional;
  return mockServices.permissions.mock({
    authorize: async (requests: { resourceRef?: unknown }[]) =>
      requests.map(r => ({
        result:
          r.resourceRef === undefined || readable.has(String(r.resourceRef))
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      })),
    authorizeConditional: async (requests: unknown[]) =>
      requests.map(() => ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: { rule: 'IS_ENTITY_OWNER', resourceType: 'catalog-entity', params: { claims: [] } },
      })),
  } as any).factory;
}

export async function startPosture(options: StartOptions = {}) {
  const knex = await databases.init('SQLITE_3');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posture-router-'));
  for (const [rel, text] of Object.entries(options.manifests ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  if (options.entities?.length) {
    const store = await PostureStore.fromKnex(knex);
    const at = options.savedAt ?? '2025-01-01T00:00:00.000Z';
    await store.saveRun({
      startedAt: at,
      finishedAt: at,
      clusterStatuses: options.clusterStatuses ?? [],
      entities: options.entities,
    });
  }
  const logs = options.logs ?? [];
  const backend = await startTestBackend({
    features: [
      posturePlugin,
      // a scheduler of its own: the default one is shared by every test backend in the process
      mockServices.scheduler.factory(),
      catalogServiceMock.factory({ entities: options.catalogEntities ?? [] }),
      mockServices.database.factory({ knex }),
      mockServices.httpAuth.factory({ defaultCredentials: options.defaultCredentials ?? mockCredentials.none() }),
      permissionsFactory(options.permissions ?? { result: AuthorizeResult.ALLOW }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => capturingRootLogger(logs),
      }),
      mockServices.rootConfig.factory({
        data: {
          posture: {
            useKubernetesClusters: false,
            // never runs on its own in a test: only POST /refresh starts a collection
            schedule: { frequency: { hours: 24 }, initialDelay: { hours: 24 } },
            clusters: options.noClusters ? [] : [{ type: 'manifests', name: 'manifests', path: dir }],
            ...options.postureConfig,
          },
        },
      }),
    ],
  });
  return {
    server: backend.server,
    logs,
    /** the plugin's database, to break it on purpose */
    knex,
    stop: async () => {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Route {
  method: 'get' | 'post';
  /** the OpenAPI path, e.g. /entities/{kind}/{namespace}/{name} */
  template: string;
  /** with path parameters filled in */
  path: string;
  /** the permission-based behaviour documented for the route */
  operationId: string;
  /** documented status codes */
  responses: string[];
}

/** Every operation in openapi.yaml, with path parameters replaced by `params`. */
export function openApiRoutes(params: Record<string, string>): Route[] {
  const spec = YAML.parse(fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'));
  const routes: Route[] = [];
  for (const [template, ops] of Object.entries<Record<string, any>>(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const filled = template.replace(/\{(\w+)\}/g, (_, p: string) => {
        if (!(p in params)) throw new Error(`no test value for path parameter ${p} of ${template}`);
        return encodeURIComponent(params[p]);
      });
      routes.push({
        method: method as Route['method'],
        template,
        path: filled,
        operationId: op.operationId,
        responses: Object.keys(op.responses ?? {}),
      });
    }
  }
  return routes;
}
