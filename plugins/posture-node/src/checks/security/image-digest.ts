import { defineCheck } from '../../engine/check';
import { tryParseImageRef } from '../../engine/imageRef';
import { perContainer } from '../lib/containers';

export default defineCheck({
  meta: {
    id: 'image-digest',
    title: 'Images are pinned by digest',
    pillar: 'security',
    category: 'Supply chain',
    severity: 'low',
    rationale:
      'A tag can be moved to different content at any time, by the publisher or by anyone who compromises the registry account. A digest names exactly one image, so what was reviewed and scanned is what runs.',
    remediation: {
      text: 'Reference images by digest (repository@sha256:…), optionally keeping the tag for readability; let a bot such as Renovate update the digests.',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          image: <registry>/<repository>:<tag>@sha256:<digest>\n',
    },
    references: {},
    defaults:
      'Nothing is defaulted: the runtime resolves a tag at pull time, so an image without @sha256:… fails in manifests and live objects alike (a live Pod status records the resolved digest, but the spec still names the tag). Init containers are judged; ephemeral debug containers are not.',
  },
  target: 'workload',
  evaluate(w, ctx) {
    const reasons = new Map<string, string>();
    return perContainer(w, ctx, {
      types: ['containers', 'initContainers'],
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
        if (parsed.ok && parsed.ref.digest)
          return { ok: true, field: 'image', value: image };
        const reason = parsed.ok ? 'no digest' : parsed.error;
        reasons.set(c.name, reason);
        return {
          ok: false,
          field: 'image',
          value: typeof image === 'string' ? image : JSON.stringify(image),
          detail: reason,
        };
      },
      passMessage: 'Every image is pinned by digest',
      failMessage: names =>
        `Not pinned by digest: ${names
          .map(n => `${n} (${reasons.get(n)})`)
          .join(', ')}`,
    });
  },
  fixtures: [
    {
      name: 'a digest passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: "nginx:1.27@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        - name: proxy
          image: "localhost:5000/envoy@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"`,
    },
    {
      name: 'a tag alone fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "nginx:1.27"}]`,
    },
    {
      name: 'an init container without a digest fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: init, image: "busybox:1.36"}]
  containers: [{name: a, image: "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]`,
    },
    {
      name: 'a malformed digest fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "nginx@sha256:abc"}]`,
    },
    {
      name: 'a missing or non-string image fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a}, {name: b, image: [nginx]}]`,
    },
    {
      name: 'no containers is not applicable',
      expect: 'not-applicable',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec: {containers: []}`,
    },
  ],
});
