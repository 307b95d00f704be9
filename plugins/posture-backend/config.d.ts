import { HumanDuration } from '@backstage/types';

export interface Config {
  /**
   * Posture: Kubernetes scalability and security scorecards.
   *
   * Durations (`schedule.*`, `refreshCooldown`, `removalGracePeriod`, a cluster's `timeout`) take
   * any form Backstage's `readDurationFromConfig` reads: an object of `years`, `months`, `weeks`,
   * `days`, `hours`, `minutes`, `seconds`, `milliseconds` (`{ weeks: 1 }`), a string with a unit
   * (`10m`, `24h`, `1w`) or an ISO 8601 duration (`PT10M`, `P1W`, `P1M`). A month counts as 30 days
   * and a year as 365.
   */
  posture?: {
    /**
     * Cluster sources. Clusters declared under `kubernetes.clusterLocatorMethods`
     * (type: config, authProvider: serviceAccount) are added too, unless
     * `useKubernetesClusters` is false.
     */
    clusters?: Array<
      | {
          type: 'kubernetes';
          /** at most 239 characters: the scheduler's task id, `posture-collect:<name>`, is limited to 255 */
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
          /** per-cluster collection timeout, a duration (see `posture`); default 60 seconds */
          timeout?: HumanDuration | string;
          /** objects per LIST page; default 500 */
          pageSize?: number;
          /**
           * list Pods and ReplicaSets as metadata only (PartialObjectMetadataList) and fetch in full
           * only those without a controller; default true
           */
          metadataOnly?: boolean;
          /**
           * ask the API server for gzip-compressed lists (Accept-Encoding: gzip), as kubectl and
           * client-go do: it compresses bodies over 128 KiB, about a tenth of the bytes on the wire for
           * a little CPU on both ends. false is kubeconfig's `disable-compression`; default true
           */
          compression?: boolean;
        }
      | {
          type: 'manifests';
          /** at most 239 characters: the scheduler's task id, `posture-collect:<name>`, is limited to 255 */
          name: string;
          /** a directory of YAML, e.g. a GitOps checkout; relative to the backend's working directory */
          path: string;
          /**
           * what the reader accepts; a larger file, or more in all, is refused with one clear error
           * (defaults: 10 MB per file, 256 MB in all, 20,000 files, as the CLI's)
           */
          limits?: { maxFileSizeMb?: number; maxTotalSizeMb?: number; maxFiles?: number };
        }
    >;
    /** also collect from `kubernetes.clusterLocatorMethods` config clusters; default true */
    useKubernetesClusters?: boolean;
    /** each cluster's collection task on the Backstage scheduler; durations in any form (see `posture`) */
    schedule?: {
      /** how often every cluster is collected; default 10 minutes */
      frequency?: HumanDuration | string;
      /**
       * one cluster's run limit; default 5 minutes. A cluster whose replica died mid-run is taken by
       * another replica after this, and up to a minute more: keep it well under the frequency
       */
      timeout?: HumanDuration | string;
      /** wait after start before the first run; the clusters' first runs are then spread over one interval; default 5 seconds */
      initialDelay?: HumanDuration | string;
    };
    /**
     * `POST /refresh` answers 429 for this long after it triggered a collection, on every replica
     * (the cooldown is kept in the database; a trigger that failed starts none), a duration (see
     * `posture`); default 1 minute
     */
    refreshCooldown?: HumanDuration | string;
    /**
     * how long an entity that left the catalog keeps its scorecard and history before they are
     * deleted, a duration (see `posture`: `1w`, `P1W` and `{ weeks: 1 }` are a week); default 24 hours
     */
    removalGracePeriod?: HumanDuration | string;
    /** evaluate in worker threads, off the backend's event loop; default true */
    workerThreads?: boolean;
    /**
     * cluster collections one backend process runs at a time (each in its own thread); default 2.
     * A replica at this limit, or one that sees a less loaded replica, hands a due cluster task back
     * to the scheduler for another replica (docs/architecture.md).
     */
    maxConcurrentCollections?: number;
    /**
     * megabytes of resident memory within which a backend process starts a further collection beside
     * running ones: it does when its memory apart from them, what each running one may still reach,
     * and what the new one needs (each as its cluster's last collection measured) fit. One collection
     * always runs. Default: three quarters of the process's memory limit (a container's), or none
     * without a limit.
     */
    collectionMemoryMegabytes?: number;
    /**
     * megabytes of scorecards each backend process keeps in memory, gzipped, for `GET /entities/:ref`
     * (about 10 KB for a service in 30 clusters); default 64
     */
    entityCacheMegabytes?: number;
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
      /** how far a workload's own exemption annotation reaches; defaults: no critical checks, no "*", reasons of 10+ characters */
      annotationExemptions?: {
        allowCritical?: boolean;
        allowWildcard?: boolean;
        minReasonLength?: number;
      };
      /** the clusters' Kubernetes version (e.g. `1.29`) for the deprecated-API check; newest known when unset */
      kubernetesVersion?: string;
    };
    /**
     * Campaigns: a target every service in scope should meet by a deadline. Owners still short are
     * notified (Backstage notifications; logged when none is installed) once per campaign and deadline.
     */
    campaigns?: Array<{
      /** lower-case letters, digits and dashes; the campaign's URL */
      id: string;
      title: string;
      description?: string;
      /** exactly one of: a level, a score (overall by default, or one pillar), or a check no service may fail */
      target: {
        level?: 'Gold' | 'Silver' | 'Bronze';
        score?: number;
        pillar?: 'overall' | 'scalability' | 'security';
        check?: string;
      };
      /** YYYY-MM-DD */
      deadline: string;
      /** YYYY-MM-DD; the burn-down starts here */
      start?: string;
      /** which services: all of the given filters apply; owner groups include the groups below them */
      scope?: {
        owners?: string[];
        systems?: string[];
        lifecycles?: string[];
        tags?: string[];
      };
      /** notify owners still short this many days before the deadline; default 14 */
      notifyDaysBefore?: number;
    }>;
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
