import { defineCheck, fail, pass } from '../../engine/check';
import { arr, obj, str } from '../../engine/k8s';

/** `*.example.com` covers `a.example.com` but not `example.com` or `a.b.example.com`. */
function hostCovered(host: string, tlsHosts: string[]): boolean {
  return tlsHosts.some(t => {
    if (t === host) return true;
    if (!t.startsWith('*.')) return false;
    const suffix = t.slice(1);
    return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
  });
}

export default defineCheck({
  meta: {
    id: 'ingress-tls',
    title: 'Ingress serves TLS',
    pillar: 'security',
    category: 'Network',
    severity: 'high',
    rationale:
      'An Ingress without TLS serves its hosts over plain HTTP, exposing credentials, cookies and data to anyone on the path.',
    remediation: {
      text: 'Add a spec.tls entry covering every host of the rules, with a certificate Secret (for example issued by cert-manager).',
      patch: 'spec:\n  tls:\n    - hosts: [<host>]\n      secretName: <host>-tls\n',
    },
    references: {
      polaris: ['tlsSettingsMissing'],
      kubescape: ['C-0263'],
      nsa: ['Network separation and hardening: TLS'],
    },
    defaults:
      'Nothing is defaulted. The Ingress fails without spec.tls, or when a rule names a host that no tls entry lists (a tls entry without hosts covers every host). Rules without a host are served with whatever certificate the tls entries provide and are not judged further.',
  },
  target: 'object',
  kinds: ['Ingress'],
  evaluate(ing) {
    const spec = obj(ing.spec) ?? {};
    const tls = arr(spec.tls).map(obj).filter((t): t is Record<string, any> => !!t);
    if (tls.length === 0) return fail('The Ingress has no spec.tls, so it serves plain HTTP', [{ path: 'spec.tls', value: '(unset)' }]);
    // a tls entry without hosts applies to every host
    if (tls.some(t => arr(t.hosts).length === 0)) return pass('spec.tls covers every host');
    const tlsHosts = tls.flatMap(t => arr(t.hosts).filter((h): h is string => typeof h === 'string'));
    const uncovered: { host: string; index: number }[] = [];
    arr(spec.rules).forEach((r, index) => {
      const host = str(obj(r)?.host);
      if (host && !hostCovered(host, tlsHosts)) uncovered.push({ host, index });
    });
    if (uncovered.length === 0) return pass(`spec.tls covers ${tlsHosts.join(', ')}`);
    return fail(
      `Host ${uncovered.map(u => u.host).join(', ')} is not listed in spec.tls, so it is served over plain HTTP`,
      uncovered.map(u => ({ path: `spec.rules[${u.index}].host`, value: u.host, detail: 'not in any spec.tls[].hosts' })),
    );
  },
  fixtures: [
    {
      name: 'TLS for the rule host passes',
      expect: 'pass',
      upstream: ['polaris:tlsSettingsMissing', 'kubescape:C-0263'],
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}}]`,
    },
    {
      name: 'no tls fails',
      expect: 'fail',
      upstream: ['polaris:tlsSettingsMissing', 'kubescape:C-0263'],
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  rules: [{host: shop.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}]}}]`,
    },
    {
      name: 'a host outside the certificate fails',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
    - {host: shop.example.com}
    - {host: admin.example.org}`,
    },
    {
      name: 'a wildcard host covers one label',
      expect: 'pass',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  tls: [{hosts: ["*.example.com"], secretName: wildcard}]
  rules: [{host: api.example.com}, {host: www.example.com}]`,
    },
    {
      name: 'a wildcard does not cover deeper names',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  tls: [{hosts: ["*.example.com"], secretName: wildcard}]
  rules: [{host: a.b.example.com}]`,
    },
    {
      name: 'tls of the wrong type fails without throwing',
      expect: 'fail',
      yaml: `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec: {tls: "yes"}`,
    },
  ],
});
