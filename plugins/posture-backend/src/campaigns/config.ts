import { Config } from '@backstage/config';
import { CampaignDefinition, CampaignTarget } from '@posture-dev/backstage-plugin-posture-common';

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TARGET_LEVELS = ['Gold', 'Silver', 'Bronze'] as const;
const PILLARS = ['overall', 'scalability', 'security'] as const;
export const DEFAULT_NOTIFY_DAYS_BEFORE = 14;

function isoDate(value: string, what: string): string {
  const ok = DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
  if (!ok) throw new Error(`${what} must be a date as YYYY-MM-DD, got "${value.slice(0, 40)}"`);
  return value;
}

function readTarget(c: Config, what: string): CampaignTarget {
  const level = c.getOptionalString('level');
  const score = c.getOptionalNumber('score');
  const check = c.getOptionalString('check');
  const given = [level, score, check].filter(v => v !== undefined).length;
  if (given !== 1) throw new Error(`${what}: set exactly one of level, score or check`);
  if (level !== undefined) {
    const found = TARGET_LEVELS.find(l => l.toLowerCase() === level.toLowerCase());
    if (!found) throw new Error(`${what}.level must be one of ${TARGET_LEVELS.join(', ')}`);
    return { type: 'level', level: found };
  }
  if (score !== undefined) {
    if (!(score > 0 && score <= 100)) throw new Error(`${what}.score must be above 0 and at most 100`);
    const pillar = c.getOptionalString('pillar') ?? 'overall';
    if (!(PILLARS as readonly string[]).includes(pillar)) {
      throw new Error(`${what}.pillar must be one of ${PILLARS.join(', ')}`);
    }
    return { type: 'score', score, pillar: pillar as (typeof PILLARS)[number] };
  }
  if (!check || check.length > 255) throw new Error(`${what}.check must name a check id`);
  return { type: 'check', checkId: check };
}

const refList = (c: Config | undefined, key: string, kind?: string) =>
  c?.getOptionalStringArray(key)?.map(v => {
    const ref = kind && !v.includes(':') ? `${kind}:${v.includes('/') ? v : `default/${v}`}` : v;
    return ref.toLocaleLowerCase('en-US');
  });

/** `posture.campaigns[]`: targets with a deadline and a scope. Throws on a definition that cannot be honoured. */
export function readCampaigns(config: Config): CampaignDefinition[] {
  const list = config.getOptionalConfigArray('posture.campaigns') ?? [];
  const seen = new Set<string>();
  return list.map((c, i) => {
    const id = c.getString('id');
    const what = `posture.campaigns[${i}] (${id.slice(0, 64)})`;
    if (!ID.test(id)) throw new Error(`${what}: id must be lower-case letters, digits and dashes`);
    if (seen.has(id)) throw new Error(`${what}: id is used twice`);
    seen.add(id);
    const scope = c.getOptionalConfig('scope');
    const notifyDaysBefore = c.getOptionalNumber('notifyDaysBefore') ?? DEFAULT_NOTIFY_DAYS_BEFORE;
    if (!(Number.isInteger(notifyDaysBefore) && notifyDaysBefore >= 0 && notifyDaysBefore <= 365)) {
      throw new Error(`${what}: notifyDaysBefore must be a whole number of days from 0 to 365`);
    }
    const startsAt = c.getOptionalString('start');
    return {
      id,
      title: c.getString('title'),
      description: c.getOptionalString('description') ?? null,
      target: readTarget(c.getConfig('target'), `${what}.target`),
      deadline: isoDate(c.getString('deadline'), `${what}.deadline`),
      startsAt: startsAt === undefined ? null : isoDate(startsAt, `${what}.start`),
      scope: {
        owners: refList(scope, 'owners', 'group'),
        systems: refList(scope, 'systems', 'system'),
        lifecycles: scope?.getOptionalStringArray('lifecycles')?.map(l => l.toLowerCase()),
        tags: scope?.getOptionalStringArray('tags')?.map(t => t.toLowerCase()),
      },
      notifyDaysBefore,
    };
  });
}
