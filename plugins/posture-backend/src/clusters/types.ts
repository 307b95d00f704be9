import { K8sObject, ObjectOrigin, SourceMode } from '@posture-dev/backstage-plugin-posture-node';

/** One cluster's objects, as collected. */
export interface CollectedSnapshot {
  cluster: string;
  mode: SourceMode;
  objects: K8sObject[];
  origins?: ObjectOrigin[];
  /** objects per kind */
  objectCounts: Record<string, number>;
  /** problems that did not stop the collection (an unparsable file, an optional CRD absent) */
  warnings: string[];
  /** response bytes read from the API server (live clusters only) */
  bytesRead?: number;
  /** the API server's version (`v1.31.4`), live clusters only */
  kubernetesVersion?: string;
}

export interface ClusterSource {
  readonly name: string;
  readonly type: 'kubernetes' | 'manifests';
  /** per-collection time limit */
  readonly timeoutMs: number;
  collect(signal: AbortSignal): Promise<CollectedSnapshot>;
}

export function countByKind(objects: K8sObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of objects) {
    const kind = typeof o.kind === 'string' ? o.kind : '(none)';
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}
