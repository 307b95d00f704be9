import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { K8sObject, arr, namespaceOf, obj, refOf, str } from '../../engine/k8s';

interface Backend {
  path: string;
  service: string;
  port?: number | string;
  portPath?: string;
}

/** Service backends with their field paths (networking.k8s.io/v1 and the old v1beta1 shape). */
function backends(ing: K8sObject): Backend[] {
  const out: Backend[] = [];
  const add = (b: unknown, path: string) => {
    const backend = obj(b);
    if (!backend) return;
    const svc = obj(backend.service);
    if (svc) {
      const port = obj(svc.port);
      const number = port?.number;
      const name = str(port?.name);
      out.push({
        path: `${path}.service.name`,
        service: str(svc.name) ?? '',
        ...(typeof number === 'number'
          ? { port: number, portPath: `${path}.service.port.number` }
          : {}),
        ...(name ? { port: name, portPath: `${path}.service.port.name` } : {}),
      });
    } else if (backend.serviceName !== undefined) {
      const p = backend.servicePort;
      out.push({
        path: `${path}.serviceName`,
        service: str(backend.serviceName) ?? '',
        ...(typeof p === 'number' || typeof p === 'string'
          ? { port: p, portPath: `${path}.servicePort` }
          : {}),
      });
    }
  };
  const spec = obj(ing.spec);
  if (spec?.defaultBackend !== undefined)
    add(spec.defaultBackend, 'spec.defaultBackend');
  else add(spec?.backend, 'spec.backend');
  arr(spec?.rules).forEach((rule, i) =>
    arr(obj(obj(rule)?.http)?.paths).forEach((p, j) =>
      add(obj(p)?.backend, `spec.rules[${i}].http.paths[${j}].backend`),
    ),
  );
  return out;
}

function hasPort(service: K8sObject, port: number | string): boolean {
  return arr(obj(service.spec)?.ports).some(p => {
    const sp = obj(p);
    if (typeof port === 'number') return sp?.port === port;
    // only a number or a string can be the port the backend names; other values cannot even be stringified
    const own = sp?.port;
    return sp?.name === port || ((typeof own === 'number' || typeof own === 'string') && String(own) === port);
  });
}

export default defineCheck({
  meta: {
    id: 'ingress-targets-service',
    title: 'Ingress backends name existing Services',
    pillar: 'scalability',
    category: 'Networking',
    severity: 'medium',
    rationale:
      'An Ingress rule whose backend Service (or Service port) does not exist returns 503 for every request on that path.',
    remediation: {
      text: 'Point each backend at a Service in the same namespace, using a port the Service exposes.',
      patch:
        'spec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: <service>\n                port:\n                  number: 80\n',
    },
    references: { kubeScore: ['ingress-targets-service'] },
    defaults:
      'Nothing is defaulted. Resource backends (backend.resource) are not judged; an Ingress with only those is not applicable. In manifest mode the Service must be among the scanned manifests.',
  },
  target: 'object',
  kinds: ['Ingress'],
  evaluate(o, ctx) {
    const list = backends(o);
    if (list.length === 0) return notApplicable('No Service backends');
    const ns = namespaceOf(o);
    const problems: string[] = [];
    const evidence: Evidence[] = [];
    for (const b of list) {
      if (!b.service) {
        problems.push(`${b.path} is empty`);
        evidence.push({ path: b.path, value: '(unset)' });
        continue;
      }
      const svc = ctx.index.get('Service', ns, b.service);
      if (!svc) {
        problems.push(`Service ${b.service} is not in namespace ${ns}`);
        evidence.push({ path: b.path, value: b.service });
      } else if (b.port !== undefined && !hasPort(svc, b.port)) {
        problems.push(`Service ${b.service} has no port ${b.port}`);
        evidence.push({
          path: b.portPath!,
          value: String(b.port),
          object: refOf(svc),
        });
      }
    }
    if (problems.length > 0)
      return fail([...new Set(problems)].join('; '), evidence);
    const names = [...new Set(list.map(b => b.service))];
    return pass(
      `Routes to existing Service${names.length > 1 ? 's' : ''} ${names.join(
        ', ',
      )}`,
    );
  },
  fixtures: [
    {
      name: 'an existing Service and port passes',
      expect: 'pass',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
          - {path: /api, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]`,
    },
    {
      name: 'a missing Service fails',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: gone, port: {number: 80}}}`,
    },
    {
      name: 'a missing port fails',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]`,
    },
    {
      name: 'a Service in another namespace fails',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: edge}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  ports: [{port: 80}]`,
    },
    {
      name: 'the old extensions/v1beta1 shape is read',
      expect: 'pass',
      yaml: `apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend: {serviceName: web, servicePort: http}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{name: http, port: 80}]`,
    },
    {
      name: 'resource backends only are not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: static}
spec:
  defaultBackend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: assets}}`,
    },
    {
      name: 'rules of the wrong type are tolerated',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend: {service: {name: missing, port: {number: 80}}}
  rules: "not-a-list"`,
    },
  ],
});
