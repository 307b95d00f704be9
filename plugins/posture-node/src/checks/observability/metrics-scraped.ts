import { defineCheck, fail, pass } from '../../engine/check';
import { LONG_RUNNING_KINDS, scrapedBy } from './_scrape';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: shop/web:1.0, ports: [{name: http, containerPort: 8080}]}]
`;
const SERVICE = `---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
`;

export default defineCheck({
  meta: {
    id: 'metrics-scraped',
    title: 'Metrics are scraped',
    pillar: 'scalability',
    category: 'Observability',
    severity: 'medium',
    rationale:
      'A service nobody can see cannot be scaled with confidence: autoscaling on custom metrics, capacity planning, alerting and right-sizing all need its metrics collected. Golden paths make scraping the default.',
    remediation: {
      text: 'Select the pods with a Prometheus Operator PodMonitor or ServiceMonitor, or set the common scrape annotations on the pod template.',
      patch:
        'spec:\n  template:\n    metadata:\n      annotations:\n        prometheus.io/scrape: "true"\n        prometheus.io/port: "8080"\n        prometheus.io/path: /metrics\n',
    },
    references: {},
    defaults:
      'Passes when the pod template carries prometheus.io/scrape: "true", a PodMonitor selects the pods, a ServiceMonitor selects a Service that selects them (namespaceSelector any, matchNames, or the monitor\'s own namespace), or such a Service carries the scrape annotation. Judges long-running workloads only; Jobs and CronJobs are not judged (they push metrics).',
  },
  target: 'workload',
  kinds: LONG_RUNNING_KINDS,
  evaluate: (w, ctx) => {
    const by = scrapedBy(w, ctx);
    return by
      ? pass(`Scraped through ${by}`)
      : fail('No PodMonitor, ServiceMonitor or scrape annotation selects these pods', [
          { path: `${w.podMetaPath}.annotations`, value: '(no prometheus.io/scrape)' },
        ]);
  },
  fixtures: [
    { name: 'nothing selects the pods: fails', expect: 'fail', yaml: DEPLOY + SERVICE },
    {
      name: 'the scrape annotation passes',
      expect: 'pass',
      yaml: DEPLOY.replace('metadata: {labels: {app: web}}', 'metadata: {labels: {app: web}, annotations: {prometheus.io/scrape: "true", prometheus.io/port: "8080"}}'),
    },
    {
      name: 'scrape: "false" fails',
      expect: 'fail',
      yaml: DEPLOY.replace('metadata: {labels: {app: web}}', 'metadata: {labels: {app: web}, annotations: {prometheus.io/scrape: "false"}}'),
    },
    {
      name: 'a PodMonitor in the monitoring namespace selecting the pods passes',
      expect: 'pass',
      yaml: `${DEPLOY}---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: web, namespace: monitoring}
spec:
  namespaceSelector: {matchNames: [shop]}
  selector: {matchLabels: {app: web}}
  podMetricsEndpoints: [{port: http}]
`,
    },
    {
      name: 'a PodMonitor in another namespace without a namespaceSelector does not count',
      expect: 'fail',
      yaml: `${DEPLOY}---
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata: {name: web, namespace: monitoring}
spec:
  selector: {matchLabels: {app: web}}
`,
    },
    {
      name: 'a ServiceMonitor selecting the Service passes',
      expect: 'pass',
      yaml: `${DEPLOY}${SERVICE}---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: http}]
`,
    },
    {
      name: 'a ServiceMonitor with an invalid selector does not count',
      expect: 'fail',
      yaml: `${DEPLOY}${SERVICE}---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: [app]}
`,
    },
  ],
});
