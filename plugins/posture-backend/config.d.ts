import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Posture: Kubernetes scalability and security scorecards */
  posture?: {
    /**
     * Cluster sources. Clusters declared under `kubernetes.clusterLocatorMethods`
     * (type: config, authProvider: serviceAccount) are added too, unless
     * `useKubernetesClusters` is false.
     */
    clusters?: Array<
      | {
          type: 'kubernetes';
          name: string;
          /** API server URL; leave out with `kubeconfig` or `inCluster` */
          url?: string;
          /** base64 CA bundle */
          caData?: string;
          caFile?: string;
          skipTLSVerify?: boolean;
          /**
           * Service-account token
           * @visibility secret
           */
          serviceAccountToken?: string;
          /** name of an environment variable holding the token */
          serviceAccountTokenEnv?: string;
          /** path to a kubeconfig file */
          kubeconfig?: string;
          /** context within the kubeconfig; its current context by default */
          context?: string;
          /** use the pod's own service account (in-cluster config) */
          inCluster?: boolean;
          /** per-cluster collection timeout; default 60 seconds */
          timeout?: HumanDuration | string;
          /** objects per LIST page; default 500 */
          pageSize?: number;
        }
      | {
          type: 'manifests';
          name: string;
          /** a directory of YAML, e.g. a GitOps checkout; relative to the backend's working directory */
          path: string;
        }
    >;
    /** also collect from `kubernetes.clusterLocatorMethods` config clusters; default true */
    useKubernetesClusters?: boolean;
    /** collection schedule; default every 10 minutes */
    schedule?: {
      frequency?: HumanDuration | string;
      timeout?: HumanDuration | string;
      initialDelay?: HumanDuration | string;
    };
    /** days of score history to keep; default 365 */
    historyRetentionDays?: number;
    /** send a notification to the owner when an entity's grade or level drops; default true */
    notifyOnRegression?: boolean;
    /** engine settings, shared with `posture scan --config` */
    engine?: {
      /** check id → severity */
      severities?: { [checkId: string]: 'critical' | 'high' | 'medium' | 'low' };
      weights?: { critical?: number; high?: number; medium?: number; low?: number };
      disabledChecks?: string[];
      enabledChecks?: string[];
      thresholds?: {
        minReplicas?: number;
        trustedRegistries?: string[];
        /** right-sizing: p95 CPU use below this share of the request fails; default 0.25 */
        cpuRequestUsedRatio?: number;
        /** right-sizing: peak memory use above this share of the limit fails; default 0.9 */
        memoryLimitHeadroomRatio?: number;
        /** share of the window a workload's scrape targets must be up; default 0.99 */
        targetsUpRatio?: number;
        /** Trivy severities that fail when a fix is available; default [CRITICAL] */
        vulnerabilitySeverities?: Array<'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW'>;
      };
      exemptions?: Array<{
        checks: string[];
        entity?: string;
        namespace?: string;
        cluster?: string;
        name?: string;
        reason: string;
        until?: string;
      }>;
      /** honour `posture.backstage.io/exempt` annotations; default true */
      allowAnnotationExemptions?: boolean;
    };
    /** measured use for the right-sizing and scrape-target checks; off when absent */
    metrics?: {
      prometheus?: {
        /** base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring:9090 (no credentials in it) */
        url: string;
        /** name of an environment variable whose value is sent as the Authorization header (e.g. `Bearer …`) */
        authHeaderEnv?: string;
        /** the window use is measured over; default 7 days */
        window?: HumanDuration | string;
        /** subquery resolution; default 5 minutes */
        step?: HumanDuration | string;
        /** per-query timeout; default 30 seconds */
        timeout?: HumanDuration | string;
        /** label that tells clusters apart in a shared Prometheus, e.g. `cluster`; its value is the Posture cluster name */
        clusterLabel?: string;
        /** Posture cluster name → value of `clusterLabel`, when they differ */
        clusterLabelValues?: { [cluster: string]: string };
        /** Posture clusters this Prometheus serves; default every `kubernetes` cluster */
        clusters?: string[];
        /** refuse larger query answers; default 64 */
        maxResponseMegabytes?: number;
      };
    };
  };
}
