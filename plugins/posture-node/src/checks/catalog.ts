import { Check } from '../engine/check';
import { ALL_CHECKS } from './catalog.generated';

/** Every built-in check, ordered by pillar then id. */
export const builtInChecks: Check[] = [...ALL_CHECKS].sort(
  (a, b) =>
    a.meta.pillar.localeCompare(b.meta.pillar) || a.meta.id.localeCompare(b.meta.id),
);

export function findCheck(id: string): Check | undefined {
  return builtInChecks.find(c => c.meta.id === id);
}
