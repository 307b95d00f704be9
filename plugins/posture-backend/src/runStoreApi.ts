import { ClusterStatus, EntityScorecard, Grade, Level } from '@internal/plugin-posture-common';

export interface Regression {
  entityRef: string;
  owner: string | null;
  from: { grade: Grade | null; level: Level };
  to: { grade: Grade | null; level: Level };
}

/** What a collection run needs from the store. */
export interface PostureRunStore {
  tryAcquireLock(name: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLock(name: string, owner: string): Promise<void>;
  getClusterStatuses(): Promise<ClusterStatus[]>;
  getEntity(entityRef: string): Promise<EntityScorecard | undefined>;
  listEntityRefs(): Promise<string[]>;
  saveRun(run: {
    startedAt: string;
    finishedAt: string;
    clusterStatuses: ClusterStatus[];
    entities: EntityScorecard[];
    removedEntityRefs?: string[];
    retentionDays: number;
  }): Promise<{ changed: string[]; regressions: Regression[] }>;
}
