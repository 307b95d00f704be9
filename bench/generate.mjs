// Synthetic clusters for the benchmarks. The object mix (kinds, sizes, posture spread) comes from the
// real manifests in ../shared/corpus: each workload found there is a template together with the objects
// that relate to it (Services and PDBs selecting it, its HPA, ServiceAccount, ConfigMaps, Ingresses,
// RBAC). A service instance is one template with names, labels and namespace varied, plus the
// ReplicaSets and Pods a live cluster would hold for it. Without the corpus a small built-in sample
// stands in, so the bench still runs on a fresh clone.
//
//   node bench/generate.mjs --objects 10000 [--seed 1] > cluster.json
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHARED_DIR, rootRequire } from './lib/env.mjs';

const YAML = rootRequire('yaml');

export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';

/** The kinds the collector lists (secrets excepted); anything else in the corpus is left out. */
const KNOWN_KINDS = new Set([
  'Pod',
  'Service',
  'ServiceAccount',
  'ResourceQuota',
  'LimitRange',
  'PersistentVolumeClaim',
  'ConfigMap',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Ingress',
  'NetworkPolicy',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
]);
const WORKLOAD_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
]);
const CLUSTER_SCOPED = new Set(['ClusterRole', 'ClusterRoleBinding']);

const BUILTIN_SAMPLE = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports: [{containerPort: 8080}]
          envFrom: [{configMapRef: {name: web-config}}]
          resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: 8080}}
          securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config}
data: {LOG_LEVEL: info, FEATURE_X: "true"}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
        - name: worker
          image: worker:latest
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: postgres:16
          securityContext: {privileged: true}
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
`;

// ------------------------------------------------------------------ corpus

const isMap = v => v !== null && typeof v === 'object' && !Array.isArray(v);

function walkFiles(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, out);
    else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

function parseDocs(text) {
  const out = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length) continue;
    const v = doc.toJS();
    if (isMap(v) && v.kind === 'List' && Array.isArray(v.items))
      out.push(...v.items);
    else out.push(v);
  }
  return out
    .filter(
      o =>
        isMap(o) &&
        KNOWN_KINDS.has(o.kind) &&
        isMap(o.metadata) &&
        typeof o.metadata.name === 'string',
    )
    .map(toServedVersion);
}

/** The version a current API server serves each kind in (what a LIST returns). */
const SERVED_VERSION = {
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Ingress: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  PodDisruptionBudget: 'policy/v1',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
};

/** Old manifests (extensions/v1beta1, autoscaling/v1...) converted as the API server would serve them. */
function toServedVersion(o) {
  const v = SERVED_VERSION[o.kind] ?? 'v1';
  if (o.apiVersion === v) return o;
  const c = {
    ...o,
    apiVersion: v,
    spec: isMap(o.spec) ? { ...o.spec } : o.spec,
  };
  if (
    ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(o.kind) &&
    isMap(c.spec) &&
    !c.spec.selector
  ) {
    c.spec.selector = {
      matchLabels: { ...(c.spec.template?.metadata?.labels ?? {}) },
    };
  }
  if (
    o.kind === 'HorizontalPodAutoscaler' &&
    isMap(c.spec) &&
    'targetCPUUtilizationPercentage' in c.spec
  ) {
    const { targetCPUUtilizationPercentage: pct, ...rest } = c.spec;
    c.spec = {
      ...rest,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: pct },
          },
        },
      ],
    };
  }
  if (o.kind === 'Ingress' && isMap(c.spec)) {
    const backend = b =>
      isMap(b) && b.serviceName
        ? {
            service: {
              name: b.serviceName,
              port:
                typeof b.servicePort === 'number'
                  ? { number: b.servicePort }
                  : { name: String(b.servicePort) },
            },
          }
        : b;
    c.spec.defaultBackend = backend(c.spec.backend ?? c.spec.defaultBackend);
    delete c.spec.backend;
    if (!c.spec.defaultBackend) delete c.spec.defaultBackend;
    c.spec.rules = (c.spec.rules ?? []).map(r => ({
      ...r,
      http: r?.http && {
        paths: (r.http.paths ?? []).map(p => ({
          pathType: 'Prefix',
          path: '/',
          ...p,
          backend: backend(p?.backend),
        })),
      },
    }));
  }
  return c;
}

/** Objects per project (the corpus' first folder level), or the built-in sample. */
export function loadCorpus(corpusDir = path.join(SHARED_DIR, 'corpus')) {
  if (!fs.existsSync(corpusDir)) {
    return { source: 'built-in sample', projects: [parseDocs(BUILTIN_SAMPLE)] };
  }
  const byProject = new Map();
  for (const file of walkFiles(corpusDir)) {
    const project = path.relative(corpusDir, file).split(path.sep)[0];
    let docs;
    try {
      docs = parseDocs(fs.readFileSync(file, 'utf8'));
    } catch {
      continue; // a template with Helm syntax is not YAML; real clusters never see it either
    }
    if (!byProject.has(project)) byProject.set(project, []);
    byProject.get(project).push(...docs);
  }
  return { source: corpusDir, projects: [...byProject.values()] };
}

const podTemplateOf = w =>
  w.kind === 'CronJob' ? w.spec?.jobTemplate?.spec?.template : w.spec?.template;

const subset = (sel, labels) =>
  isMap(sel) &&
  Object.keys(sel).length > 0 &&
  Object.entries(sel).every(([k, v]) => labels?.[k] === v);

function configMapNames(podSpec) {
  const names = new Set();
  for (const v of podSpec?.volumes ?? [])
    if (v?.configMap?.name) names.add(v.configMap.name);
  for (const c of [
    ...(podSpec?.containers ?? []),
    ...(podSpec?.initContainers ?? []),
  ]) {
    for (const e of c?.envFrom ?? [])
      if (e?.configMapRef?.name) names.add(e.configMapRef.name);
    for (const e of c?.env ?? [])
      if (e?.valueFrom?.configMapKeyRef?.name)
        names.add(e.valueFrom.configMapKeyRef.name);
  }
  return names;
}

function ingressServiceNames(ing) {
  const names = new Set();
  const add = b => b?.service?.name && names.add(b.service.name);
  add(ing.spec?.defaultBackend);
  for (const r of ing.spec?.rules ?? [])
    for (const p of r?.http?.paths ?? []) add(p?.backend);
  return names;
}

/** A workload and the objects of its project that relate to it, the way the engine relates them. */
export function templatesOf(projects) {
  const templates = [];
  for (const objects of projects) {
    const ofKind = k => objects.filter(o => o.kind === k);
    for (const w of objects.filter(o => WORKLOAD_KINDS.has(o.kind))) {
      const tpl = podTemplateOf(w);
      if (!isMap(tpl?.spec)) continue;
      const labels = tpl.metadata?.labels ?? {};
      const related = [];
      const services = ofKind('Service').filter(s =>
        subset(s.spec?.selector, labels),
      );
      related.push(...services);
      related.push(
        ...ofKind('PodDisruptionBudget').filter(p =>
          subset(p.spec?.selector?.matchLabels, labels),
        ),
      );
      related.push(
        ...ofKind('NetworkPolicy').filter(p =>
          subset(p.spec?.podSelector?.matchLabels, labels),
        ),
      );
      related.push(
        ...ofKind('HorizontalPodAutoscaler').filter(
          h =>
            h.spec?.scaleTargetRef?.kind === w.kind &&
            h.spec?.scaleTargetRef?.name === w.metadata.name,
        ),
      );
      const sa = tpl.spec.serviceAccountName ?? tpl.spec.serviceAccount;
      if (sa) {
        related.push(
          ...ofKind('ServiceAccount').filter(s => s.metadata.name === sa),
        );
        const bindings = [
          ...ofKind('RoleBinding'),
          ...ofKind('ClusterRoleBinding'),
        ].filter(b =>
          (b.subjects ?? []).some(
            s => s?.kind === 'ServiceAccount' && s.name === sa,
          ),
        );
        related.push(...bindings);
        for (const b of bindings) {
          related.push(
            ...ofKind(b.roleRef?.kind ?? 'Role').filter(
              r => r.metadata.name === b.roleRef?.name,
            ),
          );
        }
      }
      const cms = configMapNames(tpl.spec);
      related.push(
        ...ofKind('ConfigMap').filter(c => cms.has(c.metadata.name)),
      );
      const svcNames = new Set(services.map(s => s.metadata.name));
      related.push(
        ...ofKind('Ingress').filter(i =>
          [...ingressServiceNames(i)].some(n => svcNames.has(n)),
        ),
      );
      // the corpus repeats objects across files (variants of one sample); a cluster holds each name once
      const byKey = new Map();
      for (const o of [w, ...related]) {
        const key = `${o.kind}/${o.metadata.name}`;
        if (!byKey.has(key)) byKey.set(key, o);
      }
      templates.push([...byKey.values()]);
    }
  }
  if (templates.length === 0) throw new Error('no workload templates found');
  return templates;
}

// ------------------------------------------------------------------ instances

/** mulberry32: small, fast, and the same sequence on every machine */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RENAMED_KEYS = new Set([
  'name',
  'serviceAccountName',
  'serviceAccount',
  'serviceName',
  'claimName',
]);
const LABEL_MAP_KEYS = new Set(['labels', 'matchLabels', 'selector']);

/** Appends the suffix to every identifier that names an object of the template, labels included. */
function rename(value, names, suffix, key) {
  if (typeof value === 'string')
    return RENAMED_KEYS.has(key) && names.has(value) ? value + suffix : value;
  if (Array.isArray(value))
    return value.map(v => rename(v, names, suffix, key));
  if (!isMap(value)) return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (
      LABEL_MAP_KEYS.has(k) &&
      isMap(v) &&
      Object.values(v).every(x => typeof x === 'string')
    ) {
      out[k] = Object.fromEntries(
        Object.entries(v).map(([lk, lv]) => [
          lk,
          names.has(lv) ? lv + suffix : lv,
        ]),
      );
    } else {
      out[k] = rename(v, names, suffix, k);
    }
  }
  return out;
}

function containersOf(podSpec) {
  return [
    ...(podSpec?.containers ?? []),
    ...(podSpec?.initContainers ?? []),
  ].filter(isMap);
}

/** Spreads posture the way real fleets vary: some teams drop limits, some harden, replica counts differ. */
function vary(w, random) {
  const tpl = podTemplateOf(w);
  const r = random();
  for (const c of containersOf(tpl?.spec)) {
    if (r < 0.25) delete c.resources;
    else if (r > 0.8) {
      c.securityContext = {
        ...(c.securityContext ?? {}),
        runAsNonRoot: true,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      };
    }
  }
  if ((w.kind === 'Deployment' || w.kind === 'StatefulSet') && random() < 0.5) {
    w.spec.replicas = 1 + Math.floor(random() * 3);
  }
}

function hash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++)
    h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36).slice(0, 6).padEnd(6, 'x');
}

/** What controllers create for a workload on a live cluster: ReplicaSets and Pods, owned. */
function liveChildren(w) {
  const tpl = podTemplateOf(w);
  if (!tpl || w.kind === 'CronJob') return [];
  const ns = w.metadata.namespace;
  const owner = (o, controller = true) => [
    {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.metadata.name,
      uid: `uid-${o.kind}-${ns}-${o.metadata.name}`,
      controller,
      blockOwnerDeletion: true,
    },
  ];
  const pod = (name, parent, extraLabels = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { ...(tpl.metadata?.labels ?? {}), ...extraLabels },
      annotations: tpl.metadata?.annotations,
      ownerReferences: owner(parent),
    },
    spec: {
      ...structuredClone(tpl.spec),
      nodeName: `node-${hash(name).slice(0, 2)}`,
    },
    status: { phase: 'Running' },
  });
  const replicas = Math.min(3, Math.max(1, Number(w.spec?.replicas ?? 1) || 1));
  if (w.kind === 'Deployment') {
    const h = hash(`${ns}/${w.metadata.name}`);
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${w.metadata.name}-${h}`,
        namespace: ns,
        labels: { ...(tpl.metadata?.labels ?? {}), 'pod-template-hash': h },
        ownerReferences: owner(w),
      },
      spec: { replicas, selector: w.spec.selector, template: tpl },
    };
    const pods = Array.from({ length: replicas }, (_, k) =>
      pod(
        `${rs.metadata.name}-${hash(`${rs.metadata.name}${k}`).slice(0, 5)}`,
        rs,
        { 'pod-template-hash': h },
      ),
    );
    return [rs, ...pods];
  }
  if (w.kind === 'StatefulSet')
    return Array.from({ length: replicas }, (_, k) =>
      pod(`${w.metadata.name}-${k}`, w),
    );
  if (w.kind === 'DaemonSet')
    return [0, 1].map(k =>
      pod(
        `${w.metadata.name}-${hash(`${w.metadata.name}${k}`).slice(0, 5)}`,
        w,
      ),
    );
  return [pod(`${w.metadata.name}-${hash(w.metadata.name).slice(0, 5)}`, w)]; // Job
}

/** One service: a template renamed for instance `i`, in a namespace of its team, labelled with its id. */
export function serviceInstance(
  template,
  i,
  random,
  { live = true, namespaces = 50 } = {},
) {
  const suffix = `-${i.toString(36)}`;
  const ns = `team-${i % namespaces}`;
  const names = new Set(template.map(o => o.metadata.name));
  const id = `svc-${i}`;
  const objects = template.map(o => {
    const c = rename(structuredClone(o), names, suffix);
    c.metadata = { ...c.metadata };
    if (CLUSTER_SCOPED.has(c.kind)) delete c.metadata.namespace;
    else c.metadata.namespace = ns;
    for (const s of c.subjects ?? [])
      if (s?.kind === 'ServiceAccount') s.namespace = ns;
    return c;
  });
  const w = objects[0];
  w.metadata.labels = {
    ...(w.metadata.labels ?? {}),
    [KUBERNETES_ID_LABEL]: id,
  };
  const tpl = podTemplateOf(w);
  tpl.metadata = {
    ...(tpl.metadata ?? {}),
    labels: { ...(tpl.metadata?.labels ?? {}), [KUBERNETES_ID_LABEL]: id },
  };
  vary(w, random);
  return live ? [...objects, ...liveChildren(w)] : objects;
}

/**
 * A cluster of services `svc-<first>`, `svc-<first+1>`... until it holds `objects` objects (or
 * `services` services). Deterministic for a given seed and corpus.
 */
const templateCache = new WeakMap();

export function generateCluster({
  objects: target,
  services,
  first = 0,
  seed = 1,
  live = true,
  corpus = loadCorpus(),
}) {
  if (!templateCache.has(corpus))
    templateCache.set(corpus, templatesOf(corpus.projects));
  const templates = templateCache.get(corpus);
  const random = rng(seed);
  const namespaces = Math.max(1, Math.ceil((services ?? target / 8) / 20));
  const out = [];
  let i = first;
  for (
    ;
    services !== undefined ? i < first + services : out.length < target;
    i++
  ) {
    const template = templates[Math.floor(random() * templates.length)];
    out.push(...serviceInstance(template, i, random, { live, namespaces }));
  }
  if (target !== undefined && out.length > target) out.length = target; // exact sizes; the last service may lose a Pod
  return {
    objects: out,
    services: i - first,
    source: corpus.source,
    templates: templates.length,
  };
}

/** Catalog entities annotated the way the Backstage kubernetes plugin expects. */
export function generateEntities(count, { first = 0, teams = 40 } = {}) {
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `svc-${i}`,
        namespace: 'default',
        title: `Service ${i}`,
        annotations: { [KUBERNETES_ID_LABEL]: `svc-${i}` },
      },
      spec: {
        type: 'service',
        owner: `group:default/team-${i % teams}`,
        system: `system-${i % 97}`,
        lifecycle: ['production', 'experimental', 'deprecated'][i % 3],
      },
    };
  });
}

export function kindMix(objects) {
  const m = {};
  for (const o of objects) m[o.kind] = (m[o.kind] ?? 0) + 1;
  return Object.fromEntries(Object.entries(m).sort((a, b) => b[1] - a[1]));
}

if (
  process.argv[1] &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const arg = (n, d) => {
    const k = process.argv.indexOf(`--${n}`);
    return k > 0 ? Number(process.argv[k + 1]) : d;
  };
  const c = generateCluster({
    objects: arg('objects', 1000),
    seed: arg('seed', 1),
  });
  if (process.argv.includes('--summary')) {
    const bytes = Buffer.byteLength(JSON.stringify(c.objects));
    console.log(
      JSON.stringify(
        {
          source: c.source,
          templates: c.templates,
          services: c.services,
          objects: c.objects.length,
          bytesPerObject: Math.round(bytes / c.objects.length),
          kinds: kindMix(c.objects),
        },
        null,
        1,
      ),
    );
  } else {
    process.stdout.write(
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: c.objects }),
    );
  }
}
