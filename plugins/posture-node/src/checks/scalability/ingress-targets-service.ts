import { Evidence } from '@posture-dev/backstage-plugin-posture-common';
import { defineCheck, fail, notApplicable, pass } from '../../engine/check';
import { K8sObject, arr, namespaceOf, obj, refOf, str } from '../../engine/k8s';

interface Backend {
  path: string;
  service: string;
  port?: number | string;
  portPath?: string;
}

/** The result of reading an Ingress by its own apiVersion's schema. */
interface Routes {
  backends: Backend[];
  /** paths that route nowhere under this apiVersion, with why */
  broken: { path: string; why: string }[];
  /** backend.resource entries, which this check does not judge */
  resources: number;
}

/**
 * networking.k8s.io/v1 names a Service in `backend.service` and the default backend in `spec.defaultBackend`;
 * extensions/v1beta1 and networking.k8s.io/v1beta1 used `serviceName`/`servicePort` and `spec.backend`. Each
 * version's fields are read only for that version: a v1 Ingress carrying the old fields has no backend at all
 * (the API server drops unknown fields), so it routes nowhere.
 */
function routes(ing: K8sObject): Routes {
  const v1 = ing.apiVersion === 'networking.k8s.io/v1';
  const out: Routes = { backends: [], broken: [], resources: 0 };
  const add = (b: unknown, path: string) => {
    const backend = obj(b);
    if (!backend) {
      out.broken.push({ path, why: `${path} is missing` });
      return;
    }
    if (v1) {
      const svc = obj(backend.service);
      if (svc) {
        const port = obj(svc.port);
        const number = port?.number;
        const name = str(port?.name);
        out.backends.push({
          path: `${path}.service.name`,
          service: str(svc.name) ?? '',
          ...(typeof number === 'number'
            ? { port: number, portPath: `${path}.service.port.number` }
            : {}),
          ...(name ? { port: name, portPath: `${path}.service.port.name` } : {}),
        });
      } else if (obj(backend.resource)) {
        out.resources += 1;
      } else {
        const old = backend.serviceName !== undefined ? ' (serviceName is a v1beta1 field that v1 does not have)' : '';
        out.broken.push({ path, why: `${path} names no service${old}` });
      }
      return;
    }
    if (backend.serviceName !== undefined) {
      const p = backend.servicePort;
      out.backends.push({
        path: `${path}.serviceName`,
        service: str(backend.serviceName) ?? '',
        ...(typeof p === 'number' || typeof p === 'string'
          ? { port: p, portPath: `${path}.servicePort` }
          : {}),
      });
    } else if (obj(backend.resource)) {
      out.resources += 1;
    } else {
      out.broken.push({ path, why: `${path} names no serviceName` });
    }
  };
  const spec = obj(ing.spec);
  const defaultField = v1 ? 'defaultBackend' : 'backend';
  if (spec?.[defaultField] !== undefined) add(spec[defaultField], `spec.${defaultField}`);
  arr(spec?.rules).forEach((rule, i) =>
    arr(obj(obj(rule)?.http)?.paths).forEach((p, j) => {
      const path = `spec.rules[${i}].http.paths[${j}]`;
      // pathType is required in v1: the API server rejects a path without it
      if (v1 && obj(p) && obj(p)?.pathType === undefined)
        out.broken.push({ path: `${path}.pathType`, why: `${path}.pathType is required in networking.k8s.io/v1` });
      add(obj(p)?.backend, `${path}.backend`);
    }),
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
      'Nothing is defaulted. Each apiVersion is read by its own schema: networking.k8s.io/v1 by backend.service and spec.defaultBackend (and every path needs pathType), extensions/v1beta1 and networking.k8s.io/v1beta1 by serviceName/servicePort and spec.backend; a backend with none of its version\'s fields routes nowhere and fails. Resource backends (backend.resource) are not judged; an Ingress with only those is not applicable. In manifest mode the Service must be among the scanned manifests.',
  },
  target: 'object',
  kinds: ['Ingress'],
  evaluate(o, ctx) {
    const { backends: list, broken, resources } = routes(o);
    if (list.length === 0 && broken.length === 0)
      return notApplicable(resources > 0 ? 'Only resource backends, which this check does not judge' : 'No backends');
    const ns = namespaceOf(o);
    const problems: string[] = broken.map(b => b.why);
    const evidence: Evidence[] = broken.map(b => ({ path: b.path, value: '(unset)' }));
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
      upstream: ['kubeScore:ingress-targets-service'],
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
      upstream: ['kubeScore:ingress-targets-service'],
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
      name: 'a v1 Ingress with the v1beta1 serviceName fields routes nowhere',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - http:
        paths:
          - {path: /, pathType: Prefix, backend: {serviceName: web, servicePort: 80}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{name: http, port: 80}]`,
    },
    {
      name: 'a v1 path without pathType fails',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - http:
        paths:
          - {path: /, backend: {service: {name: web, port: {number: 80}}}}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{name: http, port: 80}]`,
    },
    {
      name: 'a v1beta1 Ingress with the v1 service field routes nowhere',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1beta1
kind: Ingress
metadata: {name: web}
spec:
  backend: {service: {name: web, port: {number: 80}}}
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
