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

/**
 * kubescape's controls: the ids of frameworks/allcontrols.json (commit 002a5b7e), plus C-0207, C-0212, C-0263, C-0268
 * and C-0269, which that framework file does not list (they ship in the CIS and workload frameworks). Every claimed
 * control was read in controls/C-*.json and its rule in rules/<rule>/raw.rego; configurable inputs (capability and
 * key-name lists, the registry allow-list) are those of default-config-inputs.json (commit 0e56b33d). A control is
 * `default` here: kubescape runs every control of the framework it scans with, none is switched off by default.
 */
export const KUBESCAPE: UpstreamTool = {
  name: 'kubescape',
  source:
    'kubescape/regolibrary: frameworks/allcontrols.json, controls/C-*.json (controlID, rulesNames) and rules/<rule>/raw.rego',
  version: 'master: frameworks/allcontrols.json at 002a5b7e, default-config-inputs.json at 0e56b33d (controls and rules read at their latest stored commit, e.g. C-0268 at bc949ca4, C-0270 and C-0271 at b5abcb76)',
  checks: [
    d('C-0002'),
    d('C-0005'),
    d('C-0007'),
    d('C-0012'),
    d('C-0013'),
    d('C-0014'),
    d('C-0015'),
    d('C-0016'),
    d('C-0017'),
    d('C-0018'),
    d('C-0020'),
    d('C-0021'),
    d('C-0026'),
    d('C-0030'),
    d('C-0031'),
    d('C-0034'),
    d('C-0035'),
    d('C-0036'),
    d('C-0038'),
    d('C-0039'),
    d('C-0041'),
    d('C-0042'),
    d('C-0044'),
    d('C-0045'),
    d('C-0046'),
    d('C-0048'),
    d('C-0049'),
    d('C-0052'),
    d('C-0053'),
    d('C-0054'),
    d('C-0055'),
    d('C-0056'),
    d('C-0057'),
    d('C-0058'),
    d('C-0059'),
    d('C-0061'),
    d('C-0062'),
    d('C-0063'),
    d('C-0065'),
    d('C-0066'),
    d('C-0067'),
    d('C-0068'),
    d('C-0069'),
    d('C-0070'),
    d('C-0073'),
    d('C-0074'),
    d('C-0075'),
    d('C-0076'),
    d('C-0077'),
    d('C-0078'),
    d('C-0079'),
    d('C-0081'),
    d('C-0087'),
    d('C-0088'),
    d('C-0090'),
    d('C-0091'),
    d('C-0207'),
    d('C-0212'),
    d('C-0262'),
    d('C-0263'),
    d('C-0265'),
    d('C-0268'),
    d('C-0269'),
    d('C-0270'),
    d('C-0271'),
  ],
};

export const UPSTREAM_TOOLS = { kubeScore: KUBE_SCORE, polaris: POLARIS, kubescape: KUBESCAPE } as const;
