/**
 * The check ids of the upstream tools that `meta.references` may name, so a claim can be verified: a reference to
 * an id the tool does not have is a typo or a claim about a rule that does not exist (see references.test.ts).
 * When a tool adds or renames checks, update its list here together with its source and version.
 */

export interface UpstreamCheck {
  id: string;
  /** how the upstream tool ships it: on by default, or switched on by the user */
  enabled: 'default' | 'optional';
}

export interface UpstreamTool {
  name: string;
  /** where the list was read from */
  source: string;
  version: string;
  checks: readonly UpstreamCheck[];
}

const d = (id: string): UpstreamCheck => ({ id, enabled: 'default' });
const o = (id: string): UpstreamCheck => ({ id, enabled: 'optional' });

export const KUBE_SCORE: UpstreamTool = {
  name: 'kube-score',
  source:
    'zegl/kube-score README_CHECKS.md, and the checks registered in score/**/*.go (an id is the registered name, lower-cased, spaces to dashes)',
  version: 'v1.20.0',
  checks: [
    d('ingress-targets-service'),
    d('cronjob-has-deadline'),
    d('cronjob-restartpolicy'),
    d('container-resources'),
    o('container-resource-requests-equal-limits'),
    o('container-cpu-requests-equal-limits'),
    o('container-memory-requests-equal-limits'),
    d('container-image-tag'),
    d('container-image-pull-policy'),
    d('container-ephemeral-storage-request-and-limit'),
    o('container-ephemeral-storage-request-equals-limit'),
    o('container-ports-check'),
    d('environment-variable-key-duplication'),
    d('statefulset-has-poddisruptionbudget'),
    d('deployment-has-poddisruptionbudget'),
    d('poddisruptionbudget-has-policy'),
    d('pod-networkpolicy'),
    d('networkpolicy-targets-pod'),
    d('pod-probes'),
    d('pod-probes-identical'),
    o('container-security-context-user-group-id'),
    d('container-security-context-privileged'),
    d('container-security-context-readonlyrootfilesystem'),
    o('container-seccomp-profile'),
    d('service-targets-pod'),
    d('service-type'),
    d('stable-version'),
    d('deployment-strategy'),
    d('deployment-has-host-podantiaffinity'),
    d('statefulset-has-host-podantiaffinity'),
    d('deployment-targeted-by-hpa-does-not-have-replicas-configured'),
    d('statefulset-has-servicename'),
    d('statefulset-pod-selector-labels-match-template-metadata-labels'),
    d('deployment-pod-selector-labels-match-template-metadata-labels'),
    d('label-values'),
    d('horizontalpodautoscaler-has-target'),
    d('horizontalpodautoscaler-replicas'),
    d('deployment-replicas'),
    d('pod-topology-spread-constraints'),
  ],
};

/**
 * Polaris's built-in checks: the ids under test/checks at the commit the conformance fixtures come from (every
 * built-in check has fixtures there; see shared/conformance/polaris/index.csv, whose default_severity column gives
 * every one of them as warning or danger, i.e. on by default).
 */
export const POLARIS: UpstreamTool = {
  name: 'Polaris',
  source: 'FairwindsOps/polaris checks/*.yaml and test/checks/<id>/',
  version: 'commit c0e23a23',
  checks: [
    d('automountServiceAccountToken'),
    d('clusterrolePodExecAttach'),
    d('clusterrolebindingClusterAdmin'),
    d('clusterrolebindingPodExecAttach'),
    d('cpuLimitsMissing'),
    d('cpuRequestsMissing'),
    d('dangerousCapabilities'),
    d('deploymentMissingReplicas'),
    d('hostIPCSet'),
    d('hostNetworkSet'),
    d('hostPIDSet'),
    d('hostPathSet'),
    d('hostPortSet'),
    d('hostProcess'),
    d('hpaMaxAvailability'),
    d('hpaMinAvailability'),
    d('insecureCapabilities'),
    d('linuxHardening'),
    d('livenessProbeMissing'),
    d('memoryLimitsMissing'),
    d('memoryRequestsMissing'),
    d('metadataAndInstanceMismatched'),
    d('missingNetworkPolicy'),
    d('missingPodDisruptionBudget'),
    d('notReadOnlyRootFilesystem'),
    d('pdbDisruptionsIsZero'),
    d('pdbMinAvailableGreaterThanHPAMinReplicas'),
    d('priorityClassNotSet'),
    d('privilegeEscalationAllowed'),
    d('procMount'),
    d('pullPolicyNotAlways'),
    d('readinessProbeMissing'),
    d('rolePodExecAttach'),
    d('rolebindingClusterAdminClusterRole'),
    d('rolebindingClusterAdminRole'),
    d('rolebindingClusterRolePodExecAttach'),
    d('rolebindingRolePodExecAttach'),
    d('runAsPrivileged'),
    d('runAsRootAllowed'),
    d('sensitiveConfigmapContent'),
    d('sensitiveContainerEnvVar'),
    d('tagNotSpecified'),
    d('tlsSettingsMissing'),
    d('topologySpreadConstraint'),
  ],
};

export const UPSTREAM_TOOLS = { kubeScore: KUBE_SCORE, polaris: POLARIS } as const;
