import { defineCheck, fail, pass } from '../../engine/check';
import { obj } from '../../engine/k8s';
import { matches, parseLabelSelector } from '../../engine/selectors';

export default defineCheck({
  meta: {
    id: 'selector-matches-template',
    title: 'The workload selector matches its pod template labels',
    pillar: 'scalability',
    category: 'Configuration',
    severity: 'medium',
    rationale:
      'A controller counts the pods its selector matches. If the selector does not match the labels of the pods it creates, apps/v1 rejects the object; under older APIs the controller kept creating pods it never counted.',
    remediation: {
      text: 'Make spec.selector select the labels in spec.template.metadata.labels (the selector is immutable after creation: recreate the object to change it).',
      patch: 'spec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: <name>\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: <name>\n',
    },
    references: {
      kubeScore: [
        'statefulset-pod-selector-labels-match-template-metadata-labels',
        'deployment-pod-selector-labels-match-template-metadata-labels',
      ],
    },
    defaults:
      'apps/v1 requires spec.selector, so a missing one fails; the pre-apps/v1 APIs (extensions/v1beta1, apps/v1beta1) defaulted it from the template labels, so it passes there. The selector is matched with full matchLabels and matchExpressions semantics. Deployments, StatefulSets, DaemonSets, ReplicaSets and Argo Rollouts are judged.',
  },
  target: 'workload',
  kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout'],
  evaluate(w) {
    const raw = obj(w.object.spec)?.selector;
    const labels = JSON.stringify(w.podLabels);
    if (raw === undefined || raw === null) {
      if (w.object.apiVersion === 'apps/v1' || w.object.apiVersion === 'argoproj.io/v1alpha1')
        return fail('spec.selector is required and missing', [{ path: 'spec.selector', value: '(unset)' }]);
      return pass(`${w.object.apiVersion} defaults spec.selector to the template labels`);
    }
    let sel;
    try {
      sel = parseLabelSelector(raw);
    } catch (e) {
      return fail(`spec.selector is invalid: ${(e as Error).message}`, [{ path: 'spec.selector', value: JSON.stringify(raw) }]);
    }
    if (sel && sel.requirements.length > 0 && matches(sel, w.podLabels)) return pass('spec.selector matches the pod template labels');
    return fail('spec.selector does not match the pod template labels', [
      { path: 'spec.selector', value: JSON.stringify(raw) },
      { path: `${w.podMetaPath}.labels`, value: labels },
    ]);
  },
  fixtures: [
    {
      name: 'a StatefulSet whose selector matches passes (kube-score statefulset-pod-selector-labels-match-template-metadata-labels: pass)',
      expect: 'pass',
      upstream: ['kubeScore:statefulset-pod-selector-labels-match-template-metadata-labels'],
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db, tier: data}}
    spec: {containers: [{name: db, image: postgres:16}]}`,
    },
    {
      name: 'a StatefulSet whose selector does not match fails (kube-score statefulset-pod-selector-labels-match-template-metadata-labels: fail)',
      expect: 'fail',
      upstream: ['kubeScore:statefulset-pod-selector-labels-match-template-metadata-labels'],
      yaml: `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: database}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}`,
    },
    {
      name: 'a Deployment whose selector matches passes (kube-score deployment-pod-selector-labels-match-template-metadata-labels: pass)',
      expect: 'pass',
      upstream: ['kubeScore:deployment-pod-selector-labels-match-template-metadata-labels'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchExpressions: [{key: app, operator: In, values: [web]}]}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'a Deployment whose selector does not match fails (kube-score deployment-pod-selector-labels-match-template-metadata-labels: fail)',
      expect: 'fail',
      upstream: ['kubeScore:deployment-pod-selector-labels-match-template-metadata-labels'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web, tier: fe}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
    {
      name: 'an apps/v1 Deployment without selector fails',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.27}]}`,
    },
  ],
});
