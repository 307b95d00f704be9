/** The two things Posture scores. */
export type Pillar = 'scalability' | 'security';
export const PILLARS: readonly Pillar[] = ['scalability', 'security'];

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = [
  'critical',
  'high',
  'medium',
  'low',
];

/**
 * `not-applicable` and `exempt` never count towards a score; `error` means the
 * check could not judge the object (bad input) and is shown, not scored.
 */
export type CheckStatus = 'pass' | 'fail' | 'not-applicable' | 'exempt' | 'error';

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';
export type Level = 'Gold' | 'Silver' | 'Bronze' | 'None';
export type PssLevel = 'restricted' | 'baseline' | 'privileged';

/** Identifiers of the same rule in other tools and standards. */
export interface CheckReferences {
  /** upstream pod-security-admission check ids, e.g. `runAsNonRoot` */
  pss?: string[];
  polaris?: string[];
  kubeScore?: string[];
  /** kubescape control ids, e.g. `C-0017` */
  kubescape?: string[];
  cis?: string[];
  nsa?: string[];
}

export interface CheckMetadata {
  /** kebab-case and stable: stored history and exemptions refer to it */
  id: string;
  title: string;
  pillar: Pillar;
  category: string;
  severity: Severity;
  rationale: string;
  remediation: {
    /** prose */
    text: string;
    /** a YAML patch that fixes the failure */
    patch: string;
  };
  references: CheckReferences;
  /** for Pod Security Standards checks: the level the check belongs to */
  pssLevel?: 'baseline' | 'restricted';
  /**
   * How the check treats a field that a manifest leaves out but a live API
   * server would fill in with a default.
   */
  defaults?: string;
  /** switched off unless configuration turns it on */
  optIn?: boolean;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Evidence {
  /** exact field path, e.g. `spec.template.spec.containers[1].securityContext.privileged` */
  path: string;
  /** the offending or relevant value; secret values are always masked */
  value?: string;
  /** the container this evidence is about, for container checks */
  container?: string;
  /** extra detail for this piece of evidence */
  detail?: string;
  /** the object the path is in, when it is not the result's subject */
  object?: ObjectRef;
}

export interface ExemptionInfo {
  reason: string;
  /** ISO date; after it the exemption no longer applies */
  until?: string;
  expired: boolean;
  source: 'annotation' | 'config';
}

export interface CheckResult {
  checkId: string;
  status: CheckStatus;
  severity: Severity;
  pillar: Pillar;
  message: string;
  subject: ObjectRef;
  evidence: Evidence[];
  exemption?: ExemptionInfo;
  /** where a manifest came from (CLI and manifests sources) */
  file?: string;
  documentIndex?: number;
  /** the cluster the subject lives in (backend) */
  cluster?: string;
}

export interface PillarScore {
  /** 0-100, or null when no check applied */
  score: number | null;
  grade: Grade | null;
  passed: number;
  failed: number;
}

export interface Scorecard {
  scores: Record<Pillar, number | null>;
  grades: Record<Pillar | 'overall', Grade | null>;
  /** the combined score of both pillars */
  overall: number | null;
  level: Level;
  pssLevel: PssLevel;
  counts: Record<CheckStatus, number>;
  failingBySeverity: Record<Severity, number>;
}

/** One container's requests and limits (API-server defaults counted) against its measured use; cores and bytes. */
export interface ContainerResources {
  name: string;
  requests: { cpu?: number; memory?: number };
  limits: { cpu?: number; memory?: number };
  /** over the usage source's window, in the busiest pod */
  used: { cpuP95?: number; cpuMax?: number; memoryP95?: number; memoryMax?: number };
}

/** Requested against used for one workload; only for workloads with a usage source. */
export interface WorkloadResources {
  workload: ObjectRef;
  /** pods the totals count */
  replicas: number;
  /** where `replicas` comes from: `spec.replicas`, `HorizontalPodAutoscaler minimum`, `default`, ... */
  replicasFrom: string;
  /** `prometheus`, or `VerticalPodAutoscaler <name>` */
  source: string;
  /** the query window, e.g. `7d`; empty for a VPA */
  window: string;
  containers: ContainerResources[];
}
