import { ObjectRef } from '@posture-dev/backstage-plugin-posture-common';
import { K8sObject, arr, kindOf, labelsOf, nameOf, namespaceOf, obj, refOf, str } from '../../engine/k8s';
import { matches, parseLabelSelector } from '../../engine/selectors';
import { SnapshotIndex } from '../../engine/snapshotIndex';

/**
 * RBAC evaluation shared by the RBAC checks: which rules a binding grants,
 * and whether a rule allows a given request, with the API server's matching
 * semantics (`*` wildcards and `* /subresource`).
 */

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames: string[];
  /** position in the role's `rules`, for evidence; -1 for built-in roles */
  index: number;
  /** the ClusterRole an aggregated rule comes from */
  from?: K8sObject;
}

const strings = (v: unknown): string[] => arr(v).filter((s): s is string => typeof s === 'string');

export function rulesOf(role: K8sObject): Rule[] {
  return arr(role.rules).flatMap((r, index) => {
    const rule = obj(r);
    if (!rule) return [];
    return [
      {
        apiGroups: strings(rule.apiGroups),
        resources: strings(rule.resources),
        verbs: strings(rule.verbs),
        resourceNames: strings(rule.resourceNames),
        index,
      },
    ];
  });
}

export interface Request {
  group: string;
  /** `pods` or `pods/exec` */
  resource: string;
  verbs: string[];
}

/** Whether the rule grants any of the request's verbs, as the RBAC authorizer matches it. */
export function ruleAllows(rule: Rule, req: Request): boolean {
  if (!rule.apiGroups.some(g => g === '*' || g === req.group)) return false;
  const slash = req.resource.indexOf('/');
  const sub = slash < 0 ? undefined : req.resource.slice(slash + 1);
  if (!rule.resources.some(r => r === '*' || r === req.resource || (sub !== undefined && r === `*/${sub}`)))
    return false;
  return rule.verbs.some(v => v === '*' || req.verbs.includes(v));
}

const r = (apiGroups: string[], resources: string[], verbs: string[]): Rule => ({
  apiGroups,
  resources,
  verbs,
  resourceNames: [],
  index: -1,
});
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ = ['get', 'list', 'watch'];

/**
 * The default user-facing ClusterRoles exist in every cluster but are rarely
 * in a set of manifests; they are judged by the (condensed) upstream
 * definitions when the snapshot does not hold them.
 */
const EDIT_RULES: Rule[] = [
  r([''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy'], READ),
  r([''], ['serviceaccounts'], ['impersonate']),
  r([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'], WRITE),
  r([''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'secrets', 'serviceaccounts', 'services'], WRITE),
  r(['apps'], ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], [...WRITE, ...READ]),
  r(['batch'], ['cronjobs', 'jobs'], [...WRITE, ...READ]),
  r([''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods', 'replicationcontrollers', 'serviceaccounts', 'services'], READ),
];
export const BUILT_IN_CLUSTER_ROLES: Record<string, Rule[]> = {
  'cluster-admin': [r(['*'], ['*'], ['*'])],
  admin: [
    ...EDIT_RULES,
    r(['rbac.authorization.k8s.io'], ['rolebindings', 'roles'], [...WRITE, ...READ]),
    r(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
  ],
  edit: EDIT_RULES,
  view: [
    r([''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods', 'replicationcontrollers', 'serviceaccounts', 'services'], READ),
    r(['apps'], ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], READ),
    r(['batch'], ['cronjobs', 'jobs'], READ),
  ],
};

export interface ResolvedRole {
  kind: string;
  name: string;
  /** the role object when the snapshot holds it */
  object?: K8sObject;
  rules: Rule[];
  source: 'snapshot' | 'built-in' | 'missing';
}

const aggregated = new WeakMap<K8sObject, Rule[]>();

/**
 * Rules of a ClusterRole, including those it aggregates. Live objects already
 * carry the aggregated rules (the controller fills them in); manifests do not.
 */
export function effectiveRules(role: K8sObject, index: SnapshotIndex): Rule[] {
  const own = rulesOf(role);
  const agg = obj(role.aggregationRule);
  if (kindOf(role) !== 'ClusterRole' || !agg || index.mode === 'live') return own;
  const cached = aggregated.get(role);
  if (cached) return cached;
  const selectors = arr(agg.clusterRoleSelectors).flatMap(s => {
    try {
      const sel = parseLabelSelector(s);
      return sel ? [sel] : [];
    } catch {
      return [];
    }
  });
  const extra: Rule[] = [];
  if (selectors.length > 0) {
    for (const other of index.ofKind('ClusterRole')) {
      if (other === role) continue;
      const labels = labelsOf(other);
      // an empty selector would aggregate everything; the controller ignores it too
      if (selectors.some(sel => !sel.empty && matches(sel, labels)))
        for (const rule of rulesOf(other)) extra.push({ ...rule, from: other });
    }
  }
  const all = [...own, ...extra];
  aggregated.set(role, all);
  return all;
}

/** The role a binding grants, from the snapshot or the built-in defaults. */
export function resolveRole(binding: K8sObject, index: SnapshotIndex): ResolvedRole {
  const ref = obj(binding.roleRef);
  const kind = str(ref?.kind) ?? '';
  const name = str(ref?.name) ?? '';
  const object = index.roleFor(binding);
  if (object) return { kind, name, object, rules: effectiveRules(object, index), source: 'snapshot' };
  if (kind === 'ClusterRole' && BUILT_IN_CLUSTER_ROLES[name])
    return { kind, name, rules: BUILT_IN_CLUSTER_ROLES[name], source: 'built-in' };
  return { kind, name, rules: [], source: 'missing' };
}

/** `ClusterRole cluster-admin` */
export const describeRole = (role: { kind: string; name: string }) => `${role.kind || 'role'} ${role.name || '(unnamed)'}`;

/** A rule that grants everything (Polaris's definition of cluster-admin-equivalent). */
export function isAdminRule(rule: Rule): boolean {
  if (!rule.apiGroups.includes('*') || !rule.resources.includes('*')) return false;
  if (rule.verbs.includes('*')) return true;
  return ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'].every(v => rule.verbs.includes(v));
}

/** Binds the ClusterRole named cluster-admin, whatever the snapshot says it holds. */
export function bindsClusterAdmin(binding: K8sObject): boolean {
  const ref = obj(binding.roleRef);
  return ref?.kind === 'ClusterRole' && ref?.name === 'cluster-admin';
}

export interface Capability {
  id: string;
  label: string;
  requests: Request[];
  /** a rule limited by resourceNames is the least-privilege form, not a finding */
  namedIsScoped?: boolean;
}

export const POD_EXEC: Capability = {
  id: 'exec',
  label: 'exec or attach into pods',
  // exec and attach are also reachable with `get` over a WebSocket
  requests: [
    { group: '', resource: 'pods/exec', verbs: ['create', 'get'] },
    { group: '', resource: 'pods/attach', verbs: ['create', 'get'] },
  ],
};

export const RISKY_CAPABILITIES: Capability[] = [
  POD_EXEC,
  {
    id: 'secrets',
    label: 'read secrets',
    requests: [{ group: '', resource: 'secrets', verbs: ['get', 'list', 'watch'] }],
    namedIsScoped: true,
  },
  {
    id: 'create-pods',
    label: 'create pods or workloads',
    requests: [
      { group: '', resource: 'pods', verbs: ['create'] },
      { group: '', resource: 'replicationcontrollers', verbs: ['create'] },
      ...['deployments', 'statefulsets', 'daemonsets', 'replicasets'].map(resource => ({
        group: 'apps',
        resource,
        verbs: ['create'],
      })),
      ...['jobs', 'cronjobs'].map(resource => ({ group: 'batch', resource, verbs: ['create'] })),
    ],
  },
  {
    id: 'impersonate',
    label: 'impersonate users, groups or service accounts',
    requests: [
      ...['users', 'groups', 'serviceaccounts'].map(resource => ({ group: '', resource, verbs: ['impersonate'] })),
      { group: 'authentication.k8s.io', resource: 'uids', verbs: ['impersonate'] },
    ],
  },
  {
    id: 'escalate',
    label: 'bind or escalate roles',
    requests: ['roles', 'clusterroles'].map(resource => ({
      group: 'rbac.authorization.k8s.io',
      resource,
      verbs: ['bind', 'escalate'],
    })),
  },
  {
    id: 'tokens',
    label: 'mint service account tokens',
    requests: [{ group: '', resource: 'serviceaccounts/token', verbs: ['create'] }],
  },
];

/** The rules that grant the capability. */
export function grantingRules(rules: Rule[], cap: Capability): Rule[] {
  return rules.filter(
    rule =>
      !(cap.namedIsScoped && rule.resourceNames.length > 0) && cap.requests.some(req => ruleAllows(rule, req)),
  );
}

/**
 * Bindings and roles that Kubernetes or the platform manages: flagging them
 * is not actionable. `system:` is reserved for the control plane; the
 * cluster-admin ClusterRoleBinding is only the bootstrap one while it binds
 * nothing but the system:masters group.
 */
const PLATFORM_NAMES = new Set(['gce:podsecuritypolicy:calico-sa']);

export function managedBindingReason(b: K8sObject): string | undefined {
  const name = nameOf(b);
  if (name.startsWith('system:')) return `${kindOf(b)} ${name} is managed by Kubernetes (system: prefix)`;
  if (PLATFORM_NAMES.has(name)) return `${kindOf(b)} ${name} is managed by the platform`;
  if (kindOf(b) === 'ClusterRoleBinding' && name === 'cluster-admin' && bindsClusterAdmin(b)) {
    const subjects = arr(b.subjects).map(obj);
    if (subjects.length > 0 && subjects.every(s => s?.kind === 'Group' && s?.name === 'system:masters'))
      return 'the bootstrap cluster-admin binding of the system:masters group';
  }
  return undefined;
}

const DEFAULT_CLUSTER_ROLES = new Set(['admin', 'edit', 'view', 'cluster-admin']);

export function managedRoleReason(role: K8sObject): string | undefined {
  const name = nameOf(role);
  if (name.startsWith('system:')) return `${kindOf(role)} ${name} is managed by Kubernetes (system: prefix)`;
  if (PLATFORM_NAMES.has(name)) return `${kindOf(role)} ${name} is managed by the platform`;
  if (kindOf(role) === 'ClusterRole' && DEFAULT_CLUSTER_ROLES.has(name))
    return `ClusterRole ${name} is a Kubernetes default role; bindings to it are judged instead`;
  return undefined;
}

const groupBindings = new WeakMap<SnapshotIndex, Map<string, K8sObject[]>>();

/** Bindings by Group subject, built once per snapshot. */
function bindingsByGroup(index: SnapshotIndex): Map<string, K8sObject[]> {
  let m = groupBindings.get(index);
  if (m) return m;
  m = new Map();
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    for (const b of index.ofKind(kind)) {
      for (const s of arr(b.subjects)) {
        const subj = obj(s);
        const name = str(subj?.name);
        if (subj?.kind !== 'Group' || !name) continue;
        const list = m.get(name);
        if (list) list.push(b);
        else m.set(name, [b]);
      }
    }
  }
  groupBindings.set(index, m);
  return m;
}

/**
 * Every binding that applies to a ServiceAccount: those naming it, and those
 * naming a group every ServiceAccount belongs to.
 */
export function bindingsForServiceAccount(index: SnapshotIndex, namespace: string, name: string): K8sObject[] {
  const groups = bindingsByGroup(index);
  const all = [
    ...index.bindingsFor(namespace, name),
    ...['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'].flatMap(
      g => groups.get(g) ?? [],
    ),
  ];
  return [...new Set(all)];
}

/**
 * A live cluster always has ClusterRoleBindings (the system: ones), so a live
 * snapshot without any means RBAC objects were not collected.
 */
export function rbacNotCollected(index: SnapshotIndex): boolean {
  return index.mode === 'live' && index.ofKind('ClusterRoleBinding').length === 0;
}

/** Where a binding's grant applies: one namespace, or the whole cluster. */
export function scopeOf(binding: K8sObject): string {
  return kindOf(binding) === 'RoleBinding' ? `in namespace ${namespaceOf(binding)}` : 'cluster-wide';
}

/** Evidence location of a rule: in the role when the snapshot has it, else the binding's roleRef. */
export function ruleEvidence(
  binding: K8sObject,
  role: ResolvedRole,
  rule: Rule | undefined,
  detail: string,
): { path: string; object: ObjectRef; detail: string } {
  const holder = rule?.from ?? role.object;
  if (holder && rule && rule.index >= 0) return { path: `rules[${rule.index}]`, object: refOf(holder), detail };
  return { path: 'roleRef', object: refOf(binding), detail };
}

/** Compact text of a rule for messages and evidence. */
export function ruleText(rule: Rule): string {
  const g = rule.apiGroups.map(x => (x === '' ? '""' : x)).join(',');
  return `apiGroups [${g}] resources [${rule.resources.join(',')}] verbs [${rule.verbs.join(',')}]`;
}
