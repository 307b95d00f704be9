import { CampaignScope, CampaignTarget } from '@posture-dev/backstage-plugin-posture-common';

/** The target in words, as a platform team would say it. */
export function describeTarget(t: CampaignTarget): string {
  switch (t.type) {
    case 'level':
      return `every service reaches ${t.level}`;
    case 'score':
      return `every service scores at least ${t.score}${t.pillar === 'overall' ? '' : ` on ${t.pillar}`}`;
    case 'check':
      return `no service fails ${t.checkId}`;
    default:
      return 'unknown target';
  }
}

const short = (ref: string) => ref.replace(/^[a-z]+:default\//, '').replace(/^[a-z]+:/, '');

/** "owners Payments, Platform · lifecycle production"; "every service" without a scope. */
export function describeScope(s: CampaignScope): string {
  const parts: string[] = [];
  if (s.owners?.length) parts.push(`owned by ${s.owners.map(short).join(', ')} (and the groups below)`);
  if (s.systems?.length) parts.push(`in ${s.systems.map(short).join(', ')}`);
  if (s.lifecycles?.length) parts.push(`lifecycle ${s.lifecycles.join(', ')}`);
  if (s.tags?.length) parts.push(`tagged ${s.tags.join(', ')}`);
  return parts.length ? parts.join(' · ') : 'every service';
}

/** "in 117 days", "due today", "12 days overdue" */
export function describeDeadline(deadline: string, daysLeft: number): string {
  if (daysLeft > 1) return `${deadline}, in ${daysLeft} days`;
  if (daysLeft === 1) return `${deadline}, tomorrow`;
  if (daysLeft === 0) return `${deadline}, today`;
  return `${deadline}, ${-daysLeft} day${daysLeft === -1 ? '' : 's'} overdue`;
}

export { short as shortRef };
