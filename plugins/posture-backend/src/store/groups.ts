import {
  GroupRollupCoverage,
  GroupScope,
  OverviewRow,
} from '@posture-dev/backstage-plugin-posture-common';
import { average } from './overview';

/**
 * The coverage of a roll-up: how many entities were rolled up and how many of them are scored,
 * overall and per child group (each child with its own subtree). Averages elsewhere are over the
 * scored entities only, so the counts say what they were computed over.
 */
export function rollupCoverage(
  rows: OverviewRow[],
  scope: GroupScope,
  groups: string[],
  children: { groupRef: string; tree: string[] }[],
): GroupRollupCoverage {
  const scored = (rs: OverviewRow[]) => rs.filter(r => r.state === 'scored').length;
  return {
    scope,
    groups,
    counts: { total: rows.length, scored: scored(rows) },
    children: children.map(c => {
      const tree = new Set(c.tree);
      const mine = rows.filter(r => r.owner !== null && tree.has(r.owner));
      return {
        groupRef: c.groupRef,
        total: mine.length,
        scored: scored(mine),
        overall: average(mine.map(r => r.overall)),
      };
    }),
  };
}
