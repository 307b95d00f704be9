import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { Level, Pillar, PssLevel } from '@posture-dev/backstage-plugin-posture-common';

export const GUARANTEES_ANNOTATION = 'posture.backstage.io/guarantees';
export const GOLDEN_PATH_TAG = 'golden-path';

/** What a golden-path template promises a new service scores, e.g. `scalability=100,security=100,level=Gold,pss=restricted`. */
export interface Guarantees {
  scalability?: number;
  security?: number;
  level?: Level;
  pss?: PssLevel;
}

const LEVELS: readonly Level[] = ['Gold', 'Silver', 'Bronze', 'None'];
const PSS_LEVELS: readonly PssLevel[] = ['restricted', 'baseline', 'privileged'];

/**
 * Parses the annotation leniently: it is hand-written by template authors, so
 * unknown keys and malformed values are skipped rather than failing the whole
 * template. Returns undefined when nothing usable is found.
 */
export function parseGuarantees(raw: unknown): Guarantees | undefined {
  if (typeof raw !== 'string') return undefined;
  const out: Guarantees = {};
  for (const part of raw.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (key === 'scalability' || key === 'security') {
      const n = Number(value);
      if (value !== '' && Number.isFinite(n) && n >= 0 && n <= 100) out[key] = n;
    } else if (key === 'level') {
      const level = LEVELS.find(l => l.toLowerCase() === value.toLowerCase());
      if (level) out.level = level;
    } else if (key === 'pss') {
      const pss = PSS_LEVELS.find(l => l === value.toLowerCase());
      if (pss) out.pss = pss;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * A template covers a failing pillar when it guarantees a score for it that
 * beats the service's current one; it is suggested only if it covers all of them.
 */
export function coversPillars(
  guarantees: Guarantees | undefined,
  failing: readonly Pillar[],
  current: Partial<Record<Pillar, number | null>> = {},
): boolean {
  if (!guarantees || failing.length === 0) return false;
  return failing.every(pillar => {
    const promised = guarantees[pillar];
    if (promised === undefined) return false;
    const now = current[pillar];
    return now === null || now === undefined || promised > now;
  });
}

export function describeGuarantees(g: Guarantees | undefined): string {
  if (!g) return 'no guarantees declared';
  const parts: string[] = [];
  if (g.scalability !== undefined) parts.push(`scalability ${g.scalability}`);
  if (g.security !== undefined) parts.push(`security ${g.security}`);
  if (g.level) parts.push(`level ${g.level}`);
  if (g.pss) parts.push(`PSS ${g.pss}`);
  return parts.join(', ');
}

export interface GoldenPathTemplate {
  entityRef: string;
  namespace: string;
  name: string;
  title: string;
  description?: string;
  guarantees?: Guarantees;
  /** the raw annotation, shown when it could not be parsed */
  rawGuarantees?: string;
  /** the template's `spec.type` (e.g. service) and tags (language, workload kind), to judge where it fits */
  type?: string;
  tags?: string[];
}

export function toGoldenPath(entity: Entity): GoldenPathTemplate {
  const raw = entity.metadata.annotations?.[GUARANTEES_ANNOTATION];
  return {
    entityRef: stringifyEntityRef(entity),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: entity.metadata.title ?? entity.metadata.name,
    description: entity.metadata.description,
    guarantees: parseGuarantees(raw),
    rawGuarantees: raw,
    type: typeof entity.spec?.type === 'string' ? entity.spec.type : undefined,
    tags: (entity.metadata.tags ?? []).filter((t): t is string => typeof t === 'string'),
  };
}

/** The scaffolder's route for a template; the scaffolder mounts at /create. */
export function templatePath(t: { namespace: string; name: string }): string {
  return `/create/templates/${encodeURIComponent(t.namespace)}/${encodeURIComponent(t.name)}`;
}
