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
      /** how far a workload's own exemption annotation reaches; defaults: no critical checks, no "*", reasons of 10+ characters */
      annotationExemptions?: {
        allowCritical?: boolean;
        allowWildcard?: boolean;
        minReasonLength?: number;
      };
    };
  };
}
