import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { measuredUsage } from '../../engine/usage';
import { LONG_RUNNING_KINDS, scrapedBy } from './_scrape';

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}, annotations: {prometheus.io/scrape: "true"}}
    spec:
      containers: [{name: app, image: shop/web:1.0}]
`;
const usage = (targets: string) => `---
apiVersion: posture.backstage.io/v1alpha1
kind: WorkloadUsage
metadata: {name: deployment.web, namespace: shop}
spec:
  workload: {kind: Deployment, name: web}
  source: prometheus
  window: 7d
  containers: []
${targets}
`;

export default defineCheck({
  meta: {
    id: 'scrape-targets-up',
    title: 'Scrape targets are up',
    pillar: 'scalability',
    category: 'Observability',
    severity: 'medium',
    rationale:
      'Declaring a scrape is not the same as being observed: a wrong port, path or NetworkPolicy leaves the target down, and every dashboard, alert and metric-driven autoscaler of the service goes blind without anyone noticing.',
    remediation: {
      text: 'Open the Prometheus targets page for the job, fix the port, path or NetworkPolicy that makes the scrape fail, and check that the pods serve metrics.',
      patch:
        'spec:\n  template:\n    metadata:\n      annotations:\n        prometheus.io/port: "<the port that serves /metrics>"\n',
    },
    references: {},
    defaults:
      'Needs Prometheus (posture.metrics.prometheus): the share of the window in which every `up` series of the workload\'s pods was 1 must reach thresholds.targetsUpRatio (default 0.99). Not applicable without Prometheus, or when nothing selects the pods for scraping (metrics-scraped judges that); fails when they are selected but Prometheus saw no target in the window.',
  },
  target: 'workload',
  kinds: LONG_RUNNING_KINDS,
  evaluate: (w, ctx) => {
    const u = measuredUsage(w, (kind, ns, name) => ctx.index.get(kind, ns, name));
    if (!u) return notApplicable('Prometheus is not configured for this cluster (no usage data for the workload)');
    const by = scrapedBy(w, ctx);
    const t = u.targets;
    if (!t || t.count === 0) {
      if (!by) return notApplicable('Nothing selects the pods for scraping (see metrics-scraped)');
      return fail(`Selected for scraping by ${by}, but Prometheus saw no target for these pods in ${u.window || 'the window'}`, [
        { path: 'spec.targets', object: { apiVersion: String(u.object.apiVersion), kind: 'WorkloadUsage', namespace: w.namespace, name: String(u.object.metadata?.name) }, value: '(none)' },
      ]);
    }
    const need = ctx.config.thresholds.targetsUpRatio;
    const pct = (n: number) => `${Number((n * 100).toFixed(2))} %`;
    const line = `${t.count} target${t.count === 1 ? '' : 's'}, all up ${pct(t.upRatio)} of ${u.window || 'the window'}`;
    if (t.upRatio >= need) return pass(line);
    return fail(`${line}; needs ${pct(need)}`, [
      { path: 'spec.targets.upRatio', object: { apiVersion: String(u.object.apiVersion), kind: 'WorkloadUsage', namespace: w.namespace, name: String(u.object.metadata?.name) }, value: pct(t.upRatio) },
    ]);
  },
  fixtures: [
    { name: 'targets up all the window pass', expect: 'pass', yaml: DEPLOY + usage('  targets: {count: 2, upRatio: 1}') },
    { name: 'targets down a tenth of the window fail', expect: 'fail', yaml: DEPLOY + usage('  targets: {count: 2, upRatio: 0.9}') },
    { name: 'selected but no target seen fails', expect: 'fail', yaml: DEPLOY + usage('') },
    { name: 'without Prometheus it is not applicable', expect: 'not-applicable', yaml: DEPLOY },
    {
      name: 'not selected for scraping is not applicable',
      expect: 'not-applicable',
      yaml: DEPLOY.replace(', annotations: {prometheus.io/scrape: "true"}', '') + usage(''),
    },
  ],
});
