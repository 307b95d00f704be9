import {
  ResourceAmount,
  RightSizingResponse,
  RightSizingTeam,
  WorkloadResources,
  rightSizingOf,
} from '@posture-dev/backstage-plugin-posture-common';
import { Knex } from 'knex';
import { OverviewDbRow, T, chunk, num } from './rows';

const zero = (): ResourceAmount => ({ cpuCores: 0, memoryBytes: 0 });
function add(to: ResourceAmount, a: ResourceAmount) {
  to.cpuCores += a.cpuCores;
  to.memoryBytes += a.memoryBytes;
}

/**
 * The right-sizing columns of an entity's row in one cluster: the workloads' requested-vs-used
 * table as JSON, and its totals over all replicas, so that the per-team estimate is a grouped
 * read rather than a parse of every entity's JSON. All null without a usage source.
 */
export function resourceColumns(resources: WorkloadResources[] | undefined): {
  resources: string | null;
  over_cpu_cores: number | null;
  over_memory_bytes: number | null;
  requested_cpu_cores: number | null;
  requested_memory_bytes: number | null;
} {
  if (!resources || resources.length === 0) {
    return {
      resources: null,
      over_cpu_cores: null,
      over_memory_bytes: null,
      requested_cpu_cores: null,
      requested_memory_bytes: null,
    };
  }
  const over = zero();
  const requested = zero();
  for (const w of resources) {
    const r = rightSizingOf(w);
    add(over, r.overRequested);
    add(requested, r.requested);
  }
  return {
    resources: JSON.stringify(resources),
    over_cpu_cores: over.cpuCores,
    over_memory_bytes: over.memoryBytes,
    requested_cpu_cores: requested.cpuCores,
    requested_memory_bytes: requested.memoryBytes,
  };
}

interface TotalsRow {
  entity_ref: string;
  over_cpu: number | string | null;
  over_memory: number | string | null;
  requested_cpu: number | string | null;
  requested_memory: number | string | null;
}

const BATCH = 500;

/**
 * Over-requested CPU and memory per owning team, over the entities in `rows` (already filtered by
 * the caller's query and permissions). An entity counts once however many clusters it runs in;
 * `clusters` narrows the sums to those clusters.
 */
export async function rightSizingByOwner(
  db: Knex,
  rows: Pick<OverviewDbRow, 'entity_ref' | 'owner'>[],
  clusters: string[] | undefined,
): Promise<RightSizingResponse> {
  const ownerOf = new Map(rows.map(r => [r.entity_ref, r.owner]));
  const teams = new Map<string | null, RightSizingTeam>();
  const total: RightSizingTeam = { owner: null, services: 0, requested: zero(), overRequested: zero() };
  for (const part of chunk([...ownerOf.keys()], BATCH)) {
    const q = db(T.entityClusters)
      .select('entity_ref')
      .sum({ over_cpu: 'over_cpu_cores', over_memory: 'over_memory_bytes' })
      .sum({ requested_cpu: 'requested_cpu_cores', requested_memory: 'requested_memory_bytes' })
      .whereNotNull('over_cpu_cores')
      .whereIn('entity_ref', part)
      .groupBy('entity_ref');
    if (clusters && clusters.length) q.whereIn('cluster', clusters);
    for (const r of (await q) as TotalsRow[]) {
      const owner = ownerOf.get(r.entity_ref) ?? null;
      let team = teams.get(owner);
      if (!team) teams.set(owner, (team = { owner, services: 0, requested: zero(), overRequested: zero() }));
      const over = { cpuCores: num(r.over_cpu) ?? 0, memoryBytes: num(r.over_memory) ?? 0 };
      const requested = { cpuCores: num(r.requested_cpu) ?? 0, memoryBytes: num(r.requested_memory) ?? 0 };
      for (const t of [team, total]) {
        t.services++;
        add(t.overRequested, over);
        add(t.requested, requested);
      }
    }
  }
  return {
    // the biggest saving first; memory breaks ties between teams with equal CPU
    teams: [...teams.values()].sort(
      (a, b) =>
        b.overRequested.cpuCores - a.overRequested.cpuCores ||
        b.overRequested.memoryBytes - a.overRequested.memoryBytes ||
        String(a.owner).localeCompare(String(b.owner)),
    ),
    total: { services: total.services, requested: total.requested, overRequested: total.overRequested },
  };
}
