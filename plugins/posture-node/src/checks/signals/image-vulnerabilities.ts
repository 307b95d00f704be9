import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { K8sObject, arr, labelsOf, nameOf, namespaceOf, obj, refOf, str } from './_k8s';
import { owningWorkload } from './_owners';

const LABEL_KIND = 'trivy-operator.resource.kind';
const LABEL_NAME = 'trivy-operator.resource.name';
const LABEL_NS = 'trivy-operator.resource.namespace';
const LABEL_CONTAINER = 'trivy-operator.container.name';

/** How many CVE ids the message names per image before it says "and N more". */
const SHOWN = 5;

const REPORT = (vulns: string) => `---
apiVersion: aquasecurity.github.io/v1alpha1
kind: VulnerabilityReport
metadata:
  name: replicaset-web-7d4b9c8f6-app
  namespace: shop
  labels:
    trivy-operator.resource.kind: ReplicaSet
    trivy-operator.resource.name: web-7d4b9c8f6
    trivy-operator.resource.namespace: shop
    trivy-operator.container.name: app
report:
  artifact: {repository: shop/web, tag: "1.0"}
  registry: {server: ghcr.io}
  vulnerabilities: ${vulns}
`;
const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: ghcr.io/shop/web:1.0}]
`;

export default defineCheck({
  meta: {
    id: 'image-vulnerabilities',
    title: 'No fixable critical vulnerabilities in the images',
    pillar: 'security',
    category: 'Vulnerabilities',
    severity: 'critical',
    rationale:
      'A critical vulnerability with a fixed version available is the cheapest serious risk to remove: the fix exists, only the image has not been rebuilt. Trivy Operator scans what actually runs and writes a VulnerabilityReport per container.',
    remediation: {
      text: 'Rebuild the image on the fixed package versions in the evidence (update the base image or the dependency) and roll it out.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          image: <registry>/<repository>:<rebuilt tag>\n',
    },
    references: {},
    defaults:
      'Reads Trivy Operator VulnerabilityReports (aquasecurity.github.io/v1alpha1) and relates each to its workload by the trivy-operator.resource.* labels, following ReplicaSets and Pods to their controller. Not applicable when no report covers the workload (Trivy Operator absent). Fails on a vulnerability whose severity is in thresholds.vulnerabilitySeverities (default CRITICAL; add HIGH to be stricter) and that has a fixedVersion.',
  },
  target: 'workload',
  evaluate: (w, ctx) => {
    const byWorkload = ctx.index.memo('image-vulnerabilities/by-workload', () => {
      const m = new Map<string, K8sObject[]>();
      for (const r of ctx.index.ofKind('VulnerabilityReport')) {
        const l = labelsOf(r);
        const kind = l[LABEL_KIND];
        const name = l[LABEL_NAME];
        if (!kind || !name) continue;
        const owner = owningWorkload(ctx, kind, l[LABEL_NS] || namespaceOf(r), name);
        if (!owner) continue;
        const list = m.get(owner.key);
        if (list) list.push(r);
        else m.set(owner.key, [r]);
      }
      return m;
    });
    const reports = byWorkload.get(w.key) ?? [];
    if (reports.length === 0) return notApplicable('No VulnerabilityReport covers this workload');
    const severities = new Set(ctx.config.thresholds.vulnerabilitySeverities);
    const failing: Evidence[] = [];
    const lines: string[] = [];
    for (const r of reports) {
      const rep = obj(r.report);
      const art = obj(rep?.artifact);
      const server = str(obj(rep?.registry)?.server);
      const repo = str(art?.repository) ?? '(unknown image)';
      const image = `${server ? `${server}/` : ''}${repo}${str(art?.tag) ? `:${str(art?.tag)}` : ''}`;
      const container = labelsOf(r)[LABEL_CONTAINER];
      const fixable = arr(rep?.vulnerabilities)
        .map(obj)
        .filter(v => v && severities.has(String(v.severity)) && str(v.fixedVersion));
      if (fixable.length === 0) continue;
      const shown = fixable
        .slice(0, SHOWN)
        .map(v => `${str(v!.vulnerabilityID) ?? '?'} (${str(v!.resource) ?? '?'} ${str(v!.installedVersion) ?? '?'} → ${str(v!.fixedVersion)})`);
      const more = fixable.length > SHOWN ? ` and ${fixable.length - SHOWN} more` : '';
      const line = `${image}${container ? ` (container ${container})` : ''}: ${fixable.length} fixable ${[...severities].join('/').toLowerCase()}: ${shown.join(', ')}${more}`;
      lines.push(line);
      failing.push({
        path: 'report.vulnerabilities',
        object: refOf(r),
        value: image,
        ...(container ? { container } : {}),
        detail: `${shown.join(', ')}${more}`,
      });
    }
    if (failing.length) return fail(lines.join('; '), failing);
    return pass(
      `${reports.length} VulnerabilityReport${reports.length > 1 ? 's' : ''} (${reports.map(nameOf).join(', ')}): no fixable ${[...severities].join('/').toLowerCase()} vulnerability`,
    );
  },
  fixtures: [
    {
      name: 'a critical vulnerability with a fix fails',
      expect: 'fail',
      yaml:
        DEPLOY +
        REPORT(`
    - {vulnerabilityID: CVE-2024-3094, severity: CRITICAL, resource: xz-utils, installedVersion: 5.6.0, fixedVersion: 5.6.1-r2}
    - {vulnerabilityID: CVE-2023-1111, severity: HIGH, resource: openssl, installedVersion: 3.0.1, fixedVersion: 3.0.9}`),
    },
    {
      name: 'a critical vulnerability without a fix passes',
      expect: 'pass',
      yaml: DEPLOY + REPORT(`[{vulnerabilityID: CVE-2024-1, severity: CRITICAL, resource: glibc, installedVersion: "2.36", fixedVersion: ""}]`),
    },
    {
      name: 'a fixable high passes by default',
      expect: 'pass',
      yaml: DEPLOY + REPORT(`[{vulnerabilityID: CVE-2023-1111, severity: HIGH, resource: openssl, installedVersion: 3.0.1, fixedVersion: 3.0.9}]`),
    },
    {
      name: 'a fixable high fails when HIGH is configured',
      expect: 'fail',
      config: { thresholds: { vulnerabilitySeverities: ['CRITICAL', 'HIGH'] } },
      yaml: DEPLOY + REPORT(`[{vulnerabilityID: CVE-2023-1111, severity: HIGH, resource: openssl, installedVersion: 3.0.1, fixedVersion: 3.0.9}]`),
    },
    { name: 'no report is not applicable', expect: 'not-applicable', yaml: DEPLOY },
    {
      name: 'a report for a ReplicaSet of another Deployment does not count',
      expect: 'not-applicable',
      yaml:
        DEPLOY +
        REPORT(`[{vulnerabilityID: CVE-2024-3094, severity: CRITICAL, fixedVersion: 5.6.1}]`).replace(
          'trivy-operator.resource.name: web-7d4b9c8f6',
          'trivy-operator.resource.name: api-7d4b9c8f6',
        ),
    },
    {
      name: 'a report on a Pod of a live ReplicaSet reaches the Deployment',
      expect: 'fail',
      mode: 'live',
      yaml: `${DEPLOY}---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-abc
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true, uid: u1}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: ghcr.io/shop/web:1.0}]
---
apiVersion: v1
kind: Pod
metadata:
  name: web-abc-x1
  namespace: shop
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, controller: true, uid: u2}]
spec:
  containers: [{name: app, image: ghcr.io/shop/web:1.0}]
${REPORT(`[{vulnerabilityID: CVE-2024-3094, severity: CRITICAL, fixedVersion: 5.6.1}]`)
  .replace('trivy-operator.resource.kind: ReplicaSet', 'trivy-operator.resource.kind: Pod')
  .replace('trivy-operator.resource.name: web-7d4b9c8f6', 'trivy-operator.resource.name: web-abc-x1')}`,
    },
  ],
});
