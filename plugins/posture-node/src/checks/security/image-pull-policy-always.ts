import { defineCheck } from '../../engine/check';
import { pinning, tryParseImageRef } from '../../engine/imageRef';
import { perContainer } from '../lib/containers';

/** The API server's default: Always for `:latest` or an image with neither tag nor digest, else IfNotPresent. */
function effectivePolicy(container: Record<string, any>): { policy: string; defaulted: boolean } {
  const set = container.imagePullPolicy;
  if (typeof set === 'string') return { policy: set, defaulted: false };
  const ref = tryParseImageRef(container.image);
  const p = ref.ok ? pinning(ref.ref) : 'untagged';
  return { policy: p === 'latest' || p === 'untagged' ? 'Always' : 'IfNotPresent', defaulted: true };
}

export default defineCheck({
  meta: {
    id: 'image-pull-policy-always',
    title: 'Images are pulled on every start',
    pillar: 'security',
    category: 'Images',
    severity: 'low',
    rationale:
      'With IfNotPresent or Never, a pod on a node that already holds the image starts without the registry checking its pull credentials, so a pod without access to a private image can run it. Always makes the registry authorise every start.',
    remediation: {
      text: 'Set imagePullPolicy: Always (with digest-pinned images the pull is a cheap manifest check), or enable the AlwaysPullImages admission plugin.',
      patch: 'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          imagePullPolicy: Always\n',
    },
    references: { kubeScore: ['container-image-pull-policy'], polaris: ['pullPolicyNotAlways'] },
    defaults:
      'Off by default: it trades start-up availability (a registry outage stops restarts) for credential checks that only matter on nodes shared by tenants with different registry access. An unset imagePullPolicy is judged as the API server defaults it: Always for :latest or an image with neither tag nor digest, IfNotPresent otherwise (so it fails). Init containers are judged too.',
    optIn: true,
  },
  target: 'workload',
  evaluate: (w, ctx) =>
    perContainer(w, ctx, {
      judge: c => {
        const { policy, defaulted } = effectivePolicy(c.container);
        return policy === 'Always'
          ? { ok: true, field: 'imagePullPolicy' }
          : { ok: false, field: 'imagePullPolicy', value: defaulted ? `(unset: ${policy})` : policy };
      },
      passMessage: 'Every image is pulled on every start',
      failMessage: failing => `imagePullPolicy is not Always in ${failing.join(', ')}`,
    }),
  fixtures: [
    {
      name: 'Always passes (upstream: pass)',
      expect: 'pass',
      upstream: ['kubeScore:container-image-pull-policy', 'polaris:pullPolicyNotAlways'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx-deployment}
spec:
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: "nginx:1.14.2", imagePullPolicy: Always}]}`,
    },
    {
      name: 'a tagged image without a policy defaults to IfNotPresent and fails (upstream: fail)',
      expect: 'fail',
      upstream: ['kubeScore:container-image-pull-policy', 'polaris:pullPolicyNotAlways'],
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: nginx-deployment}
spec:
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec: {containers: [{name: nginx, image: "nginx:1.14.2"}]}`,
    },
    {
      name: 'IfNotPresent fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: a, image: "a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", imagePullPolicy: IfNotPresent}]}`,
    },
    {
      name: 'an untagged image without a policy defaults to Always',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: [{name: a, image: nginx}]}`,
    },
  ],
});
