import { z } from 'zod';
import { DEFAULT_WEIGHTS, SEVERITIES, Severity } from '@posture-dev/backstage-plugin-posture-common';

/** `1.29`, `v1.29`, `v1.29.3`, `v1.29.3-gke.1200`: major and minor are what matter */
export const KUBERNETES_VERSION = /^v?(\d{1,3})\.(\d{1,3})(\.\d{1,5})?([-+][0-9A-Za-z.+-]{0,100})?$/;

/** Major and minor of a Kubernetes version string, or undefined when it does not parse. */
export function parseKubernetesVersion(v: string | undefined): { major: number; minor: number } | undefined {
  const m = v === undefined ? null : KUBERNETES_VERSION.exec(v.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** The shortest reason an annotation exemption may give (a ticket id and a few words). */
export const MIN_REASON_LENGTH = 10;

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]]);

/** A configured exemption: by check, and by entity, namespace or cluster. */
export interface ConfigExemption {
  checks: string[];
  entity?: string;
  namespace?: string;
  cluster?: string;
  /** object name within the namespace */
  name?: string;
  reason: string;
  /** ISO date after which the exemption lapses */
  until?: string;
}

// The schemas stay module-private: their zod-inferred types are not a stable public API (API Extractor
// printed their members in a different order from one checkout to the next). The interfaces are the API.
const configExemptionSchema = z
  .object({
    checks: z.array(z.string().min(1)).min(1),
    entity: z.string().optional(),
    namespace: z.string().optional(),
    cluster: z.string().optional(),
    /** object name within the namespace */
    name: z.string().optional(),
    reason: z.string().min(1),
    until: z
      .string()
      .refine(s => !Number.isNaN(Date.parse(s)), 'until must be an ISO date')
      .optional(),
  })
  .strict();

const engineConfigSchema = z
  .object({
    /** per-check severity overrides */
    severities: z.record(z.string(), severity).default({}),
    weights: z
      .object({
        critical: z.number().nonnegative(),
        high: z.number().nonnegative(),
        medium: z.number().nonnegative(),
        low: z.number().nonnegative(),
      })
      .partial()
      .default({}),
    /** check ids switched off */
    disabledChecks: z.array(z.string()).default([]),
    /** opt-in check ids switched on */
    enabledChecks: z.array(z.string()).default([]),
    thresholds: z
      .object({
        minReplicas: z.number().int().min(1).default(2),
        /** image registries (and optional path prefixes) that are trusted; empty: the check does not apply */
        trustedRegistries: z.array(z.string()).default([]),
        /** right-sizing: p95 CPU use below this share of the request fails */
        cpuRequestUsedRatio: z.number().gt(0).max(1).default(0.25),
        /** right-sizing: peak memory use above this share of the limit fails (OOM risk) */
        memoryLimitHeadroomRatio: z.number().gt(0).max(1).default(0.9),
        /** observability: share of the window the scrape targets must be up */
        targetsUpRatio: z.number().gt(0).max(1).default(0.99),
        /** image vulnerabilities: severities that fail when a fix is available */
        vulnerabilitySeverities: z
          .array(z.enum(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']))
          .min(1)
          .default(['CRITICAL']),
      })
      .strict()
      .default({}),
    exemptions: z.array(configExemptionSchema).default([]),
    /** set false to ignore `posture.backstage.io/exempt` annotations */
    allowAnnotationExemptions: z.boolean().default(true),
    /** the cluster's Kubernetes version (`1.29`, `v1.29.3`), for checks that depend on it (api-version-stable) */
    kubernetesVersion: z
      .string()
      .regex(KUBERNETES_VERSION, 'kubernetesVersion must look like 1.29 or v1.29.3')
      .optional(),
    /**
     * What a workload may exempt itself from by its own annotation. Defaults are strict: a
     * team cannot hide a critical failure, nor every check at once, without the platform's say.
     */
    annotationExemptions: z
      .object({
        allowCritical: z.boolean().default(false),
        allowWildcard: z.boolean().default(false),
        minReasonLength: z.number().int().min(1).max(500).default(MIN_REASON_LENGTH),
      })
      .strict()
      .default({}),
  })
  .strict();

/** What `posture.engine` config (or the CLI's config file) may hold; every field is optional. */
export interface EngineConfigInput {
  severities?: Record<string, Severity>;
  weights?: Partial<Record<Severity, number>>;
  disabledChecks?: string[];
  enabledChecks?: string[];
  thresholds?: Partial<Omit<EngineConfig['thresholds'], 'vulnerabilitySeverities'>> & {
    vulnerabilitySeverities?: Array<'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW'>;
  };
  exemptions?: ConfigExemption[];
  allowAnnotationExemptions?: boolean;
  kubernetesVersion?: string;
  annotationExemptions?: Partial<EngineConfig['annotationExemptions']>;
}

// compile-time proof that the interfaces and the schemas agree
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const exemptionTypesAgree: Same<ConfigExemption, z.infer<typeof configExemptionSchema>> = true;
const inputTypesAgree: [EngineConfigInput] extends [z.input<typeof engineConfigSchema>] ? true : false = true;
void exemptionTypesAgree;
void inputTypesAgree;

export interface EngineConfig {
  severities: Record<string, Severity>;
  weights: Record<Severity, number>;
  disabledChecks: string[];
  enabledChecks: string[];
  thresholds: {
    minReplicas: number;
    trustedRegistries: string[];
    cpuRequestUsedRatio: number;
    memoryLimitHeadroomRatio: number;
    targetsUpRatio: number;
    vulnerabilitySeverities: string[];
  };
  exemptions: ConfigExemption[];
  allowAnnotationExemptions: boolean;
  /** the cluster's Kubernetes version when known (live collection, or the CLI's --kubernetes-version) */
  kubernetesVersion?: string;
  annotationExemptions: { allowCritical: boolean; allowWildcard: boolean; minReasonLength: number };
}

/** Validates and fills in defaults; throws a readable error for bad config. */
export function resolveEngineConfig(input: unknown = {}): EngineConfig {
  const parsed = engineConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const msg = parsed.error.issues
      .map(i => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`Invalid posture engine config: ${msg}`);
  }
  const c = parsed.data;
  return {
    severities: c.severities,
    weights: { ...DEFAULT_WEIGHTS, ...c.weights },
    disabledChecks: c.disabledChecks,
    enabledChecks: c.enabledChecks,
    thresholds: {
      minReplicas: c.thresholds.minReplicas ?? 2,
      trustedRegistries: c.thresholds.trustedRegistries ?? [],
      cpuRequestUsedRatio: c.thresholds.cpuRequestUsedRatio ?? 0.25,
      memoryLimitHeadroomRatio: c.thresholds.memoryLimitHeadroomRatio ?? 0.9,
      targetsUpRatio: c.thresholds.targetsUpRatio ?? 0.99,
      vulnerabilitySeverities: c.thresholds.vulnerabilitySeverities ?? ['CRITICAL'],
    },
    exemptions: c.exemptions,
    allowAnnotationExemptions: c.allowAnnotationExemptions,
    ...(c.kubernetesVersion !== undefined ? { kubernetesVersion: c.kubernetesVersion } : {}),
    annotationExemptions: {
      allowCritical: c.annotationExemptions.allowCritical ?? false,
      allowWildcard: c.annotationExemptions.allowWildcard ?? false,
      minReasonLength: c.annotationExemptions.minReasonLength ?? MIN_REASON_LENGTH,
    },
  };
}
