import { defineCheck, notApplicable } from '../../engine/check';
import { fromRegistry, tryParseImageRef } from '../../engine/imageRef';
import { perContainer } from '../lib/containers';

export default defineCheck({
  meta: {
    id: 'trusted-registries',
    title: 'Images come from trusted registries',
    pillar: 'security',
    category: 'Supply chain',
    severity: 'high',
    rationale:
      'An image pulled from an arbitrary registry bypasses the scanning, signing and retention your own registry enforces, and a typo-squatted name on a public registry runs attacker code.',
    remediation: {
      text: 'Mirror the image into a trusted registry and reference it there, or add the registry to thresholds.trustedRegistries once it is vetted.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          image: <trusted-registry>/<repository>:<tag>\n',
    },
    references: { kubescape: ['C-0078'] },
    defaults:
      'Not applicable unless thresholds.trustedRegistries lists at least one entry. An image without a registry is on Docker Hub: nginx is docker.io/library/nginx and bitnami/redis is docker.io/bitnami/redis, and index.docker.io is read as docker.io. An entry may be a host (ghcr.io), a host and path prefix (ghcr.io/acme), or a *.host wildcard. Init and ephemeral containers are judged too.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    const trusted = ctx.config.thresholds.trustedRegistries.filter(
      e => e.trim() !== '',
    );
    if (trusted.length === 0)
      return notApplicable(
        'No trusted registries configured (thresholds.trustedRegistries)',
      );
    const reasons = new Map<string, string>();
    return perContainer(w, ctx, {
      types: ['containers', 'initContainers', 'ephemeralContainers'],
      judge: c => {
        const image = c.container.image;
        if (image === undefined || image === null) {
          reasons.set(c.name, 'no image');
          return {
            ok: false,
            field: 'image',
            value: '(unset)',
            detail: 'no image',
          };
        }
        const parsed = tryParseImageRef(image);
        if (parsed.ok && trusted.some(e => fromRegistry(parsed.ref, e))) {
          return { ok: true, field: 'image', value: parsed.ref.name };
        }
        const reason = parsed.ok
          ? `${parsed.ref.name} is not in a trusted registry`
          : parsed.error;
        reasons.set(c.name, reason);
        return {
          ok: false,
          field: 'image',
          value: typeof image === 'string' ? image : JSON.stringify(image),
          detail: reason,
        };
      },
      passMessage: `Every image comes from ${trusted.join(', ')}`,
      failMessage: names =>
        `Untrusted images: ${names
          .map(n => `${n} (${reasons.get(n)})`)
          .join(', ')}`,
    });
  },
  fixtures: [
    {
      name: 'images from the trusted registries pass',
      expect: 'pass',
      upstream: ['kubescape:C-0078'],
      config: {
        thresholds: {
          trustedRegistries: ['ghcr.io/acme', 'registry.internal:5000'],
        },
      },
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers: [{name: migrate, image: "registry.internal:5000/tools/migrate:2"}]
      containers: [{name: web, image: "ghcr.io/acme/web:1.4.2"}]`,
    },
    {
      name: 'a Docker Hub short name is docker.io/library',
      expect: 'fail',
      upstream: ['kubescape:C-0078'],
      config: { thresholds: { trustedRegistries: ['ghcr.io/acme'] } },
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "nginx:1.27"}]`,
    },
    {
      name: 'trusting docker.io/library admits official images',
      expect: 'pass',
      config: { thresholds: { trustedRegistries: ['docker.io/library'] } },
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "nginx:1.27"}, {name: b, image: "index.docker.io/library/redis:7"}]`,
    },
    {
      name: 'a path prefix does not match a longer organisation name',
      expect: 'fail',
      config: { thresholds: { trustedRegistries: ['ghcr.io/acme'] } },
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "ghcr.io/acme-evil/web:1.0"}]`,
    },
    {
      name: 'a host that only starts with a trusted host does not match',
      expect: 'fail',
      config: { thresholds: { trustedRegistries: ['ghcr.io'] } },
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "ghcr.io.evil.com/acme/web:1.0"}]`,
    },
    {
      name: 'an ephemeral debug container from Docker Hub fails',
      expect: 'fail',
      mode: 'live',
      config: { thresholds: { trustedRegistries: ['ghcr.io'] } },
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "ghcr.io/acme/web:1.0"}]
  ephemeralContainers: [{name: debugger, image: busybox}]`,
    },
    {
      name: 'an unparsable image fails',
      expect: 'fail',
      config: { thresholds: { trustedRegistries: ['ghcr.io'] } },
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "ghcr.io/Acme/web"}]`,
    },
    {
      name: 'without configured registries it is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "nginx:1.27"}]`,
    },
  ],
});
