import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { CampaignEntity } from '@posture-dev/backstage-plugin-posture-common';
import { NoticeKey } from '../store/campaigns';
import { daysLeft } from './evaluate';
import { CampaignService } from './service';

export interface NoticeLedger {
  /** true when this caller is the first to claim the notice */
  claim(key: NoticeKey, at: Date): Promise<boolean>;
  record(key: NoticeKey, outcome: 'notified' | 'logged'): Promise<void>;
}

/** How many short services a notice names before it says "and N more". */
const NAMED = 10;

/**
 * Tells each owner still short in a campaign whose deadline is within its notice period (and not
 * passed) what is left, once per campaign window: the ledger claims (campaign, deadline, owner)
 * before sending, so later runs and other replicas skip it. When no notifications backend is
 * installed the send fails, and the notice is logged instead (and still counts as given).
 */
export async function notifyCampaignDeadlines(options: {
  campaigns: CampaignService;
  ledger: NoticeLedger;
  notifications?: NotificationService;
  logger: LoggerService;
  now?: Date;
}): Promise<{ notified: number; logged: number }> {
  const { campaigns, ledger, notifications, logger } = options;
  const now = options.now ?? new Date();
  const tally = { notified: 0, logged: 0 };
  for (const def of campaigns.definitions) {
    const left = daysLeft(def.deadline, now);
    if (left < 0 || left > def.notifyDaysBefore) continue;
    const short = await campaigns.shortServices(def);
    const byOwner = new Map<string, CampaignEntity[]>();
    for (const e of short) {
      if (!e.owner) {
        logger.warn(`Posture campaign ${def.id}: ${e.entityRef} is short of the target and has no owner to notify`);
        continue;
      }
      const list = byOwner.get(e.owner) ?? [];
      list.push(e);
      byOwner.set(e.owner, list);
    }
    for (const [owner, entities] of byOwner) {
      const key = { campaignId: def.id, window: def.deadline, owner };
      if (!(await ledger.claim(key, now))) continue;
      const names = entities.slice(0, NAMED).map(e => e.title ?? e.entityRef.replace(/^[^/]*\//, ''));
      const more = entities.length > NAMED ? ` and ${entities.length - NAMED} more` : '';
      const description = `${entities.length} service${entities.length === 1 ? ' is' : 's are'} still short of "${def.title}", due ${def.deadline} (${left} day${left === 1 ? '' : 's'} left): ${names.join(', ')}${more}.`;
      let outcome: 'notified' | 'logged' = 'logged';
      if (notifications) {
        try {
          await notifications.send({
            recipients: { type: 'entity', entityRef: owner },
            payload: {
              title: `Posture campaign due in ${left} day${left === 1 ? '' : 's'}: ${def.title}`,
              description,
              link: `/posture/campaigns/${encodeURIComponent(def.id)}`,
              severity: left <= 3 ? 'high' : 'normal',
              topic: `posture-campaign-${def.id}`,
              scope: `posture-campaign:${def.id}:${def.deadline}`,
            },
          });
          outcome = 'notified';
        } catch (err) {
          logger.warn(`Posture campaign notice for ${owner} not sent (${(err as Error).message}): ${description}`);
        }
      } else {
        logger.info(`Posture campaign notice for ${owner} (notifications not installed): ${description}`);
      }
      await ledger.record(key, outcome);
      tally[outcome]++;
    }
  }
  return tally;
}
