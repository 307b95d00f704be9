import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { namespaceOf, obj } from '../../engine/k8s';
import { show } from '../lib/show';

export default defineCheck({
  meta: {
    id: 'service-targets-pods',
    title: 'Service selects at least one workload',
    pillar: 'scalability',
    category: 'Networking',
    severity: 'medium',
    rationale:
      'A Service whose selector matches no pod has no endpoints: clients get connection refused, usually because of a label typo or a renamed workload.',
    remediation: {
      text: 'Make spec.selector equal to (a subset of) the pod template labels of the workload the Service fronts.',
      patch: 'spec:\n  selector:\n    app: <pod label value>\n',
    },
    references: { kubeScore: ['service-targets-pod'] },
    defaults:
      'A Service without a selector (or with an empty one) and an ExternalName Service get their endpoints some other way and are not applicable. In manifest mode the workload must be among the scanned manifests.',
  },
  target: 'object',
  kinds: ['Service'],
  evaluate(o, ctx) {
    const spec = obj(o.spec);
    if (spec?.type === 'ExternalName')
      return notApplicable('An ExternalName Service has no pods');
    const raw = spec?.selector;
    if (raw === undefined || raw === null)
      return notApplicable('No selector: endpoints are managed by hand');
    const sel = obj(raw);
    if (!sel)
      return fail('spec.selector must be a map of labels', [
        { path: 'spec.selector', value: JSON.stringify(raw) },
      ]);
    if (Object.keys(sel).length === 0)
      return notApplicable('Empty selector: endpoints are managed by hand');
    const text = Object.entries(sel)
      .map(([k, v]) => `${k}=${show(v)}`)
      .join(',');
    const workloads = ctx.index.selectedBy(o);
    if (workloads.length === 0) {
      return fail(
        `No workload in namespace ${namespaceOf(o)} has pods labelled ${text}`,
        [{ path: 'spec.selector', value: text }],
      );
    }
    return pass(
      `Selects ${workloads.map(w => `${w.kind} ${w.name}`).join(', ')}`,
      [{ path: 'spec.selector', value: text }],
    );
  },
  fixtures: [
    {
      name: 'a selector matching a Deployment passes',
      expect: 'pass',
      upstream: ['kubeScore:service-targets-pod'],
      yaml: `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: fe}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a selector with a typo fails',
      expect: 'fail',
      upstream: ['kubeScore:service-targets-pod'],
      yaml: `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: wbe}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a selector matching Deployment labels but not pod labels fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {team: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {team: shop}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'pods in another namespace do not count',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: web, namespace: a}
spec:
  selector: {app: web}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: b}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'an ExternalName Service is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  type: ExternalName
  externalName: db.example.com`,
    },
    {
      name: 'a Service without a selector is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: legacy}
spec:
  ports: [{port: 5432}]`,
    },
    {
      name: 'a selector of the wrong type fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: app=web`,
    },
  ],
});
