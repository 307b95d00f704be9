import {
  applyServerDefaults,
  applySpecDefaults,
  defaultImagePullPolicy,
  k8sTimestamp,
  MetadataDefaultingContext,
} from './defaults';

const ctx = (namespaced = true): MetadataDefaultingContext => ({
  namespaced,
  resourceVersion: '42',
  now: new Date('2024-05-06T07:08:09.123Z'),
  newUid: () => '11111111-2222-3333-4444-555555555555',
  randomSuffix: () => 'abcde',
});

function specDefaulted(o: Record<string, any>) {
  const copy = structuredClone(o);
  applySpecDefaults(copy, { allocateClusterIP: () => '10.96.0.10' });
  return copy;
}

const container = { name: 'app', image: 'nginx:1.27' };

describe('defaultImagePullPolicy', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123456789abcdef', 'IfNotPresent'],
  ])('%s -> %s', (image, policy) => {
    expect(defaultImagePullPolicy(image)).toBe(policy);
  });

  it('leaves non-string images alone', () => {
    expect(defaultImagePullPolicy(42)).toBeUndefined();
    expect(defaultImagePullPolicy('')).toBeUndefined();
  });
});

describe('metadata defaults', () => {
  it('fills namespace, uid, resourceVersion, creationTimestamp and generation', () => {
    const o = applyServerDefaults(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: {},
      },
      ctx(),
    );
    expect(o.metadata).toEqual({
      name: 'web',
      namespace: 'default',
      uid: '11111111-2222-3333-4444-555555555555',
      resourceVersion: '42',
      creationTimestamp: '2024-05-06T07:08:09Z',
      generation: 1,
    });
  });

  it('keeps uid and creationTimestamp from captured data but always owns resourceVersion', () => {
    const o = applyServerDefaults(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'c',
          uid: 'kept',
          creationTimestamp: '2020-01-01T00:00:00Z',
          resourceVersion: '7',
        },
      },
      ctx(),
    );
    expect(o.metadata).toMatchObject({
      uid: 'kept',
      creationTimestamp: '2020-01-01T00:00:00Z',
      resourceVersion: '42',
    });
    // config maps have no generation
    expect(o.metadata.generation).toBeUndefined();
  });

  it('drops the namespace of cluster-scoped objects and gives custom resources a generation', () => {
    expect(
      applyServerDefaults(
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'x', namespace: 'y' },
        },
        ctx(false),
      ).metadata.namespace,
    ).toBeUndefined();
    expect(
      applyServerDefaults(
        {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name: 's' },
        },
        ctx(),
      ).metadata.generation,
    ).toBe(1);
  });

  it('derives a name from generateName and refuses objects without either', () => {
    expect(
      applyServerDefaults(
        { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'job-' } },
        ctx(),
      ).metadata.name,
    ).toBe('job-abcde');
    expect(() =>
      applyServerDefaults(
        { apiVersion: 'v1', kind: 'Pod', metadata: {} },
        ctx(),
      ),
    ).toThrow('metadata.name');
    expect(() =>
      applyServerDefaults(
        { apiVersion: 'v1', kind: 'Pod', metadata: 'nope' },
        ctx(),
      ),
    ).toThrow('metadata');
  });

  it('does not mutate its input', () => {
    const input = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [container] },
    };
    const before = JSON.stringify(input);
    applyServerDefaults(input, ctx());
    expect(JSON.stringify(input)).toBe(before);
  });

  it('formats timestamps with whole seconds', () => {
    expect(k8sTimestamp(new Date('2024-01-02T03:04:05.999Z'))).toBe(
      '2024-01-02T03:04:05Z',
    );
  });
});

describe('workload defaults', () => {
  it('defaults a Deployment and its pod template', () => {
    const d = specDefaulted({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: {
        template: {
          spec: {
            containers: [{ ...container, ports: [{ containerPort: 80 }] }],
          },
        },
      },
    });
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    const pod = d.spec.template.spec;
    expect(pod).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
    });
    // templates do not pass the ServiceAccount admission plugin
    expect(pod.serviceAccountName).toBeUndefined();
    expect(pod.containers[0]).toEqual({
      name: 'app',
      image: 'nginx:1.27',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
      ports: [{ containerPort: 80, protocol: 'TCP' }],
    });
  });

  it('keeps what the manifest set, including a Recreate strategy', () => {
    const d = specDefaulted({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: {
        replicas: 0,
        strategy: { type: 'Recreate' },
        template: { spec: { restartPolicy: 'Never', containers: [] } },
      },
    });
    expect(d.spec.replicas).toBe(0);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.template.spec.restartPolicy).toBe('Never');
  });

  it('mirrors serviceAccountName and the deprecated serviceAccount', () => {
    const d = specDefaulted({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: {
        template: { spec: { serviceAccount: 'legacy', containers: [] } },
      },
    });
    expect(d.spec.template.spec).toMatchObject({
      serviceAccountName: 'legacy',
      serviceAccount: 'legacy',
    });
  });

  it('gives a bare Pod the admission defaults', () => {
    const p = specDefaulted({
      apiVersion: 'v1',
      kind: 'Pod',
      spec: {
        containers: [
          {
            name: 'a',
            image: 'busybox',
            livenessProbe: { httpGet: { port: 8080 } },
          },
        ],
      },
    });
    expect(p.spec).toMatchObject({
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      enableServiceLinks: true,
    });
    expect(p.spec.tolerations).toHaveLength(2);
    expect(p.spec.containers[0].imagePullPolicy).toBe('Always');
    expect(p.spec.containers[0].livenessProbe).toEqual({
      httpGet: { port: 8080, scheme: 'HTTP' },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it('defaults a StatefulSet', () => {
    const s = specDefaulted({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      spec: {
        template: { spec: { containers: [] } },
        volumeClaimTemplates: [{ spec: {} }],
      },
    });
    expect(s.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: {
        type: 'RollingUpdate',
        rollingUpdate: { partition: 0 },
      },
      revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: {
        whenDeleted: 'Retain',
        whenScaled: 'Retain',
      },
      volumeClaimTemplates: [{ spec: { volumeMode: 'Filesystem' } }],
    });
  });

  it('defaults a DaemonSet and a ReplicaSet', () => {
    const ds = specDefaulted({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      spec: { template: { spec: {} } },
    });
    expect(ds.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(ds.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
    const rs = specDefaulted({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      spec: {},
    });
    expect(rs.spec.replicas).toBe(1);
  });

  it('defaults Jobs and CronJobs without inventing a restartPolicy', () => {
    const job = specDefaulted({
      apiVersion: 'batch/v1',
      kind: 'Job',
      spec: { template: { spec: { containers: [] } } },
    });
    expect(job.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
    });
    expect(job.spec.template.spec.restartPolicy).toBeUndefined();

    const workQueue = specDefaulted({
      apiVersion: 'batch/v1',
      kind: 'Job',
      spec: { parallelism: 3 },
    });
    expect(workQueue.spec.completions).toBeUndefined();

    const cron = specDefaulted({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      spec: {
        schedule: '* * * * *',
        jobTemplate: {
          spec: { template: { spec: { containers: [container] } } },
        },
      },
    });
    expect(cron.spec).toMatchObject({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(
      cron.spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy,
    ).toBe('IfNotPresent');
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBeUndefined();
  });
});

describe('other kinds', () => {
  it('defaults a Service and allocates a cluster IP', () => {
    const svc = specDefaulted({
      apiVersion: 'v1',
      kind: 'Service',
      spec: { ports: [{ port: 80 }] },
    });
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      internalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    expect(svc.spec.externalTrafficPolicy).toBeUndefined();
    const lb = specDefaulted({
      apiVersion: 'v1',
      kind: 'Service',
      spec: { type: 'LoadBalancer', clusterIP: 'None' },
    });
    expect(lb.spec).toMatchObject({
      externalTrafficPolicy: 'Cluster',
      clusterIP: 'None',
      clusterIPs: ['None'],
    });
    const ext = specDefaulted({
      apiVersion: 'v1',
      kind: 'Service',
      spec: { type: 'ExternalName', externalName: 'x.example' },
    });
    expect(ext.spec.clusterIP).toBeUndefined();
  });

  it('defaults an autoscaling/v2 HPA, completing behavior only when given', () => {
    const plain = specDefaulted({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      spec: { maxReplicas: 5 },
    });
    expect(plain.spec).toEqual({
      maxReplicas: 5,
      minReplicas: 1,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 80 },
          },
        },
      ],
    });
    const withBehavior = specDefaulted({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      spec: {
        maxReplicas: 5,
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    });
    expect(withBehavior.spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    });
  });

  it('leaves a PDB untouched', () => {
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      spec: { minAvailable: 1 },
    };
    expect(specDefaulted(pdb)).toEqual(pdb);
  });

  it('defaults NetworkPolicy policyTypes from its rules', () => {
    expect(
      specDefaulted({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        spec: { podSelector: {} },
      }).spec.policyTypes,
    ).toEqual(['Ingress']);
    const egress = specDefaulted({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] },
    });
    expect(egress.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(egress.spec.egress[0].ports[0].protocol).toBe('TCP');
  });

  it('defaults Secrets, PVCs, Namespaces and binding subjects', () => {
    expect(specDefaulted({ apiVersion: 'v1', kind: 'Secret' }).type).toBe(
      'Opaque',
    );
    expect(
      specDefaulted({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        spec: {},
      }).spec.volumeMode,
    ).toBe('Filesystem');
    const ns = specDefaulted({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop' },
    });
    expect(ns).toMatchObject({
      metadata: { labels: { 'kubernetes.io/metadata.name': 'shop' } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    const rb = specDefaulted({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      subjects: [
        { kind: 'ServiceAccount', name: 'a' },
        { kind: 'User', name: 'b' },
        { kind: 'Group', name: 'c', apiGroup: 'x' },
      ],
    });
    expect(rb.subjects.map((s: any) => s.apiGroup)).toEqual([
      '',
      'rbac.authorization.k8s.io',
      'x',
    ]);
  });

  it('tolerates fields of the wrong type', () => {
    const odd = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: {
        strategy: 'fast',
        template: {
          spec: { containers: 'nope', initContainers: [null, 3, { image: 7 }] },
        },
      },
    };
    const d = specDefaulted(odd);
    expect(d.spec.strategy).toBe('fast');
    expect(d.spec.template.spec.containers).toBe('nope');
    expect(d.spec.template.spec.initContainers[2]).toMatchObject({
      image: 7,
      terminationMessagePolicy: 'File',
    });
    expect(
      d.spec.template.spec.initContainers[2].imagePullPolicy,
    ).toBeUndefined();
    expect(
      specDefaulted({ apiVersion: 'apps/v1', kind: 'Deployment', spec: [] })
        .spec,
    ).toEqual([]);
    expect(
      specDefaulted({ apiVersion: 'v1', kind: 'Pod', spec: null }).spec,
    ).toBeNull();
  });
});
