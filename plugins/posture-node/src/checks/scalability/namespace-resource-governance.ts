import { ObjectRef } from '@posture-dev/backstage-plugin-posture-common';
import { Outcome, defineCheck, fail, pass } from '../../engine/check';
import { nameOf } from '../../engine/k8s';

export default defineCheck({
  meta: {
    id: 'namespace-resource-governance',
    title: 'Namespace has a ResourceQuota or LimitRange',
    pillar: 'scalability',
    category: 'Resources',
    severity: 'low',
    rationale:
      'Without a ResourceQuota one team can exhaust the capacity of the cluster, and without a LimitRange containers that omit requests and limits run unbounded. Either gives the namespace a ceiling or sane defaults.',
    remediation: {
      text: 'Add a ResourceQuota (total requests and limits) or a LimitRange (per-container defaults) to the namespace.',
      patch:
        'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  namespace: <namespace>\nspec:\n  limits:\n    - type: Container\n      defaultRequest:\n        cpu: 100m\n        memory: 128Mi\n      default:\n        memory: 256Mi\n',
    },
    references: {},
    defaults:
      'Nothing is defaulted. Reported once per namespace (the subject is the Namespace). In manifest mode only the scanned manifests are seen, so a quota created separately shows as missing; a workload without metadata.namespace is counted in default.',
  },
  target: 'workload',
  evaluate(w, ctx): Outcome {
    const subject: ObjectRef = {
      apiVersion: 'v1',
      kind: 'Namespace',
      name: w.namespace,
    };
    const quotas = ctx.index.ofKind('ResourceQuota', w.namespace);
    const ranges = ctx.index.ofKind('LimitRange', w.namespace);
    if (quotas.length + ranges.length > 0) {
      const names = [
        ...quotas.map(q => `ResourceQuota ${nameOf(q)}`),
        ...ranges.map(r => `LimitRange ${nameOf(r)}`),
      ];
      return {
        ...pass(`Namespace ${w.namespace} has ${names.join(', ')}`),
        subject,
      };
    }
    return {
      ...fail(`Namespace ${w.namespace} has no ResourceQuota or LimitRange`, [
        { path: 'metadata.namespace', value: w.namespace },
      ]),
      subject,
    };
  },
  fixtures: [
    {
      name: 'a LimitRange in the namespace passes',
      expect: 'pass',
      subject: 'Namespace/shop',
      yaml: `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: shop}
spec:
  limits: [{type: Container, defaultRequest: {cpu: 100m}}]`,
    },
    {
      name: 'a ResourceQuota in the namespace passes',
      expect: 'pass',
      subject: 'Namespace/shop',
      yaml: `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop}
spec: {containers: [{name: a, image: x:1}]}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: shop}
spec:
  hard: {requests.cpu: "10"}`,
    },
    {
      name: 'neither fails',
      expect: 'fail',
      subject: 'Namespace/shop',
      yaml: `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a quota in another namespace does not count',
      expect: 'fail',
      subject: 'Namespace/shop',
      yaml: `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: other}
spec:
  hard: {pods: "10"}`,
    },
    {
      name: 'a workload without a namespace is counted in default',
      expect: 'pass',
      subject: 'Namespace/default',
      yaml: `apiVersion: v1
kind: Namespace
metadata: {name: default}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: a, image: x:1}]}
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults}
spec:
  limits: [{type: Container, default: {memory: 256Mi}}]`,
    },
  ],
});
