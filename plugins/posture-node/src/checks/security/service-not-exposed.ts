import { defineCheck, fail, pass } from '../../engine/check';
import { annotationsOf, arr, obj, str } from '../../engine/k8s';

/** Cloud annotations that make a LoadBalancer private to the VPC. */
const INTERNAL_LB: [string, RegExp][] = [
  ['service.beta.kubernetes.io/aws-load-balancer-internal', /^(true|0\.0\.0\.0\/0)$/i],
  ['service.beta.kubernetes.io/aws-load-balancer-scheme', /^internal$/i],
  ['networking.gke.io/load-balancer-type', /^internal$/i],
  ['cloud.google.com/load-balancer-type', /^internal$/i],
  ['service.beta.kubernetes.io/azure-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', /^true$/i],
  ['service.beta.kubernetes.io/openstack-internal-load-balancer', /^true$/i],
  ['service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type', /^private$/i],
];

const OPEN_RANGES = new Set(['0.0.0.0/0', '::/0']);

export default defineCheck({
  meta: {
    id: 'service-not-exposed',
    title: 'Service is not exposed outside the cluster',
    pillar: 'security',
    category: 'Network',
    severity: 'medium',
    rationale:
      'A NodePort opens the port on every node; a public LoadBalancer or externalIPs put the pods on the network edge, bypassing the Ingress layer where TLS, authentication and rate limits usually live.',
    remediation: {
      text: 'Use a ClusterIP Service behind an Ingress or Gateway; if a LoadBalancer is needed, make it internal or restrict loadBalancerSourceRanges.',
      patch: 'spec:\n  type: ClusterIP\n',
    },
    references: {
      kubeScore: ['service-type'],
      nsa: ['Network separation and hardening'],
    },
    defaults:
      'A Service without spec.type is ClusterIP (the API server default) and passes. A LoadBalancer passes when a cloud annotation makes it internal or loadBalancerSourceRanges excludes 0.0.0.0/0 and ::/0. NodePort and externalIPs fail.',
  },
  target: 'object',
  kinds: ['Service'],
  evaluate(svc) {
    const spec = obj(svc.spec) ?? {};
    const type = str(spec.type) ?? 'ClusterIP';
    const externalIPs = arr(spec.externalIPs).filter(ip => typeof ip === 'string');
    if (externalIPs.length > 0) {
      return fail(`The Service accepts traffic on external IPs ${externalIPs.join(', ')}`, [
        { path: 'spec.externalIPs', value: externalIPs.join(',') },
      ]);
    }
    if (type === 'NodePort')
      return fail('type NodePort opens the port on every node', [{ path: 'spec.type', value: type }]);
    if (type !== 'LoadBalancer') return pass(`type ${type} is reachable only inside the cluster`);
    const ann = annotationsOf(svc);
    const internal = INTERNAL_LB.find(([k, re]) => ann[k] !== undefined && re.test(ann[k]));
    if (internal)
      return pass('The LoadBalancer is internal', [{ path: `metadata.annotations.${internal[0]}`, value: ann[internal[0]] }]);
    const ranges = arr(spec.loadBalancerSourceRanges).filter((r): r is string => typeof r === 'string');
    if (ranges.length > 0 && !ranges.some(r => OPEN_RANGES.has(r.trim())))
      return pass(`The LoadBalancer accepts only ${ranges.join(', ')}`, [
        { path: 'spec.loadBalancerSourceRanges', value: ranges.join(',') },
      ]);
    return fail('type LoadBalancer exposes the Service to any source address', [
      { path: 'spec.type', value: type },
      { path: 'spec.loadBalancerSourceRanges', value: ranges.length ? ranges.join(',') : '(unset)' },
    ]);
  },
  fixtures: [
    {
      name: 'ClusterIP by default passes',
      expect: 'pass',
      upstream: ['kubeScore:service-type'],
      yaml: `apiVersion: v1
kind: Service
metadata: {name: s}
spec: {selector: {app: a}, ports: [{port: 80}]}`,
    },
    {
      name: 'NodePort fails',
      expect: 'fail',
      upstream: ['kubeScore:service-type'],
      yaml: `apiVersion: v1
kind: Service
metadata: {name: s}
spec: {type: NodePort, selector: {app: a}, ports: [{port: 80, nodePort: 30080}]}`,
    },
    {
      name: 'a public LoadBalancer fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: s}
spec: {type: LoadBalancer, loadBalancerSourceRanges: [0.0.0.0/0], selector: {app: a}, ports: [{port: 443}]}`,
    },
    {
      name: 'an internal LoadBalancer passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: s, annotations: {networking.gke.io/load-balancer-type: Internal}}
spec: {type: LoadBalancer, selector: {app: a}, ports: [{port: 443}]}`,
    },
    {
      name: 'a LoadBalancer limited to office ranges passes',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: s}
spec: {type: LoadBalancer, loadBalancerSourceRanges: [203.0.113.0/24], selector: {app: a}, ports: [{port: 443}]}`,
    },
    {
      name: 'externalIPs fail even on ClusterIP',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: s}
spec: {externalIPs: [198.51.100.7], selector: {app: a}, ports: [{port: 80}]}`,
    },
    {
      name: 'a malformed spec does not throw',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Service
metadata: {name: s}
spec: [1]`,
    },
  ],
});
