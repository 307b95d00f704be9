import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, pass } from '../../engine/check';
import { annotationsOf, arr, obj, str } from '../../engine/k8s';
import { longRunningContainers } from '../scalability/_resources';
import { LONG_RUNNING_KINDS } from './_scrape';

/** The OpenTelemetry Operator's injection annotations (auto-instrumentation and the bare SDK). */
const INJECT = /^instrumentation\.opentelemetry\.io\/inject-(java|nodejs|python|dotnet|go|apache-httpd|nginx|sdk)$/;
const OTLP_ENV = new Set(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']);

/** An inject annotation that asks for injection: `true`, or an Instrumentation's name; `false` opts out. */
function injection(ann: Record<string, string>): { key: string; on: boolean } | undefined {
  for (const [k, v] of Object.entries(ann)) if (INJECT.test(k)) return { key: k, on: v !== 'false' && v !== '' };
  return undefined;
}

const DEPLOY = (annotations: string, env = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}${annotations}}
    spec:
      containers:
        - name: app
          image: shop/web:1.0${env}
`;

export default defineCheck({
  meta: {
    id: 'traces-exported',
    title: 'Traces are exported',
    pillar: 'scalability',
    category: 'Observability',
    severity: 'low',
    rationale:
      'Without traces, a slow request in a chain of services cannot be placed: scaling the wrong service is the usual result. The OpenTelemetry Operator can inject instrumentation with one annotation, and an OTLP endpoint in the environment is how SDKs are pointed at a collector.',
    remediation: {
      text: 'Annotate the pod template for the OpenTelemetry Operator (instrumentation.opentelemetry.io/inject-<language>), or set OTEL_EXPORTER_OTLP_ENDPOINT for an SDK that the service already uses.',
      patch:
        'spec:\n  template:\n    metadata:\n      annotations:\n        instrumentation.opentelemetry.io/inject-nodejs: "true"\n',
    },
    references: {},
    defaults:
      'Passes when the pod template, or else its Namespace, carries an OpenTelemetry Operator inject annotation other than "false" (the pod\'s own annotation wins, as in the operator), or a long-running container sets OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (by value or reference) without OTEL_TRACES_EXPORTER=none. Jobs and CronJobs are not judged.',
  },
  target: 'workload',
  kinds: LONG_RUNNING_KINDS,
  evaluate: (w, ctx) => {
    const own = injection(annotationsOf({ metadata: w.podMeta }));
    if (own?.on) return pass(`Instrumented by the OpenTelemetry Operator (${own.key})`);
    if (!own) {
      const ns = injection(annotationsOf(ctx.index.get('Namespace', undefined, w.namespace)));
      if (ns?.on) return pass(`Instrumented by the OpenTelemetry Operator (${ns.key} on the namespace)`);
    }
    for (const c of longRunningContainers(w)) {
      const env = arr(c.container.env).map(obj);
      const endpoint = env.find(e => OTLP_ENV.has(String(e?.name)) && (str(e?.value) || obj(e?.valueFrom)));
      const off = env.some(e => e?.name === 'OTEL_TRACES_EXPORTER' && e?.value === 'none');
      if (endpoint && !off) return pass(`Container ${c.name} exports OTLP (${String(endpoint.name)})`);
    }
    const evidence: Evidence[] = [
      {
        path: `${w.podMetaPath}.annotations`,
        value: own ? `${own.key}: "false"` : '(no instrumentation.opentelemetry.io/inject-*)',
      },
    ];
    return fail(
      own ? `Instrumentation is switched off (${own.key}: "false") and no container sets an OTLP endpoint` : 'No OpenTelemetry inject annotation and no OTLP endpoint in any container',
      evidence,
    );
  },
  fixtures: [
    { name: 'nothing: fails', expect: 'fail', yaml: DEPLOY('') },
    { name: 'the inject annotation passes', expect: 'pass', yaml: DEPLOY(', annotations: {instrumentation.opentelemetry.io/inject-nodejs: "true"}') },
    { name: 'an Instrumentation name passes', expect: 'pass', yaml: DEPLOY(', annotations: {instrumentation.opentelemetry.io/inject-java: "otel/java"}') },
    { name: 'inject "false" fails', expect: 'fail', yaml: DEPLOY(', annotations: {instrumentation.opentelemetry.io/inject-java: "false"}') },
    {
      name: 'an OTLP endpoint in the environment passes',
      expect: 'pass',
      yaml: DEPLOY('', '\n          env: [{name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://otel-collector.observability:4318"}]'),
    },
    {
      name: 'an endpoint with the traces exporter set to none fails',
      expect: 'fail',
      yaml: DEPLOY('', '\n          env: [{name: OTEL_EXPORTER_OTLP_ENDPOINT, value: "http://c:4318"}, {name: OTEL_TRACES_EXPORTER, value: none}]'),
    },
    {
      name: 'the namespace annotation passes',
      expect: 'pass',
      yaml: `${DEPLOY('')}---
apiVersion: v1
kind: Namespace
metadata: {name: shop, annotations: {instrumentation.opentelemetry.io/inject-sdk: "true"}}
`,
    },
    {
      name: "the pod's opt-out wins over the namespace",
      expect: 'fail',
      yaml: `${DEPLOY(', annotations: {instrumentation.opentelemetry.io/inject-nodejs: "false"}')}---
apiVersion: v1
kind: Namespace
metadata: {name: shop, annotations: {instrumentation.opentelemetry.io/inject-nodejs: "true"}}
`,
    },
  ],
});
