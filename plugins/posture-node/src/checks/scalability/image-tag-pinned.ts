import { defineCheck } from '../../engine/check';
import { pinning, tryParseImageRef } from '../../engine/imageRef';
import { containersOf } from '../../engine/workloads';
import { judgeContainers } from './_resources';

export default defineCheck({
  meta: {
    id: 'image-tag-pinned',
    title: 'Images are pinned to a version',
    pillar: 'scalability',
    category: 'Images',
    severity: 'high',
    rationale:
      'An image without a tag, or tagged latest, resolves to whatever was pushed last: replicas started at different times run different code, rollbacks do not roll back, and a rollout can change behaviour without any manifest change.',
    remediation: {
      text: 'Reference a specific version tag (e.g. nginx:1.27.3) or a digest (nginx@sha256:…).',
      patch:
        'spec:\n  template:\n    spec:\n      containers:\n        - name: <container>\n          image: <registry>/<repository>:<version>\n',
    },
    references: {
      polaris: ['tagNotSpecified'],
      kubeScore: ['container-image-tag'],
    },
    defaults:
      'The runtime pulls :latest when no tag is given, so an untagged image fails. A digest pins the image whatever the tag. The reference is parsed with the distribution/reference grammar, so a registry port (localhost:5000/app) is not mistaken for a tag. Init containers are judged; ephemeral debug containers are not.',
  },
  target: 'workload',
  evaluate: w =>
    judgeContainers(
      containersOf(w, ['containers', 'initContainers']),
      c => {
        const image = c.container.image;
        if (image === undefined || image === null)
          return {
            ok: false,
            field: 'image',
            value: '(unset)',
            reason: 'no image',
          };
        const parsed = tryParseImageRef(image);
        if (!parsed.ok) {
          return {
            ok: false,
            field: 'image',
            value: typeof image === 'string' ? image : JSON.stringify(image),
            reason: `image is not a valid reference: ${parsed.error}`,
          };
        }
        const p = pinning(parsed.ref);
        if (p === 'untagged')
          return {
            ok: false,
            field: 'image',
            value: image,
            reason: `${image} has no tag, so it pulls latest`,
          };
        if (p === 'latest')
          return {
            ok: false,
            field: 'image',
            value: image,
            reason: `${image} uses the latest tag`,
          };
        return { ok: true, field: 'image', value: image, reason: '' };
      },
      {
        pass: 'Every image is pinned to a tag or digest',
        none: 'No containers',
      },
    ),
  fixtures: [
    {
      name: 'a version tag passes',
      expect: 'pass',
      upstream: ['kubeScore:container-image-tag', 'polaris:tagNotSpecified'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers: [{name: nginx, image: "nginx:v1.2.3"}]`,
    },
    {
      name: 'no tag fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers: [{image: nginx}]`,
    },
    {
      name: 'latest fails',
      expect: 'fail',
      upstream: ['kubeScore:container-image-tag', 'polaris:tagNotSpecified'],
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  containers: [{image: "nginx:latest"}]`,
    },
    {
      name: 'a registry port is not a tag',
      expect: 'fail',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec: {containers: [{name: app, image: "localhost:5000/app"}]}`,
    },
    {
      name: 'a registry port with a tag passes',
      expect: 'pass',
      yaml: `apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec: {containers: [{name: app, image: "localhost:5000/app:2.1.0"}]}`,
    },
    {
      name: 'a digest counts as pinned, even with latest',
      expect: 'pass',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "nginx:latest@sha256:0000000000000000000000000000000000000000000000000000000000000000"}]`,
    },
    {
      name: 'an untagged init container fails',
      expect: 'fail',
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          initContainers: [{name: fetch, image: curlimages/curl}]
          containers: [{name: run, image: "ghcr.io/acme/report:3.4"}]`,
    },
    {
      name: 'an invalid reference fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: "Nginx:1.0"}]`,
    },
    {
      name: 'a missing or non-string image fails',
      expect: 'fail',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a}, {name: b, image: 42}]`,
    },
  ],
});
