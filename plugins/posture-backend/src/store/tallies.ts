import { createHash } from 'node:crypto';
import {
  CheckResult,
  Pillar,
  ScoreTally,
  Severity,
} from '@posture-dev/backstage-plugin-posture-common';

/** An entity's failing checks in some set of results: check id → severity, pillar and failing results. */
export type FailingChecks = Record<string, { severity: Severity; pillar: Pillar; failing: number }>;

/** The failing checks among `results`, added into `into` (a new map when not given). */
export function failingOf(
  results: Iterable<CheckResult>,
  into: Map<string, { severity: Severity; pillar: Pillar; failing: number }> = new Map(),
) {
  for (const r of results) {
    if (r.status !== 'fail') continue;
    const f = into.get(r.checkId);
    if (f) f.failing++;
    else into.set(r.checkId, { severity: r.severity, pillar: r.pillar, failing: 1 });
  }
  return into;
}

/** Adds a stored row's failing checks into `into`. */
export function addFailing(
  into: Map<string, { severity: Severity; pillar: Pillar; failing: number }>,
  stored: FailingChecks,
): void {
  for (const [checkId, s] of Object.entries(stored)) {
    const f = into.get(checkId);
    if (f) f.failing += s.failing;
    else into.set(checkId, { ...s });
  }
}

/**
 * One entity's results in one cluster as the store keeps them: the JSON array of the results, and
 * their score tally and failing checks. Made where the results are evaluated (the collection
 * thread), so that the backend's main thread receives one string per entity and cluster instead
 * of a structured clone of every result object, and never serialises them again to save them.
 */
export interface SerialisedClusterResults {
  /**
   * The results, as `JSON.stringify` gives them (each result carries its `cluster`): the text, or
   * its UTF-8 bytes (as a collection thread sends them, see packChunk).
   */
  json: string | Uint8Array;
  /** their tally under the run's scoring options */
  tally: ScoreTally;
  /** their failing checks */
  failing: FailingChecks;
  /**
   * SHA-256 (hex) of `json`'s UTF-8 bytes, made where the text is (a collection thread), so the save
   * compares rows without hashing every result on the main thread; the store hashes `json` without it
   */
  digest?: string;
}

/** The results serialised, with their tally (`tallyResults` under the run's scoring options). */
export function serialiseClusterResults(results: CheckResult[], tally: ScoreTally): SerialisedClusterResults {
  const json = JSON.stringify(results);
  return {
    json,
    tally,
    failing: Object.fromEntries(failingOf(results)),
    digest: resultsDigest(json),
  };
}

/** SHA-256 (hex) of serialised results, text or UTF-8 bytes alike. */
export function resultsDigest(json: string | Uint8Array): string {
  return createHash('sha256').update(json).digest('hex');
}
