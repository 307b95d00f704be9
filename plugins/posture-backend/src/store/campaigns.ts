import { Knex } from 'knex';

const TABLE = 'posture_campaign_notices';

export interface NoticeKey {
  campaignId: string;
  /** the deadline the notice is about */
  window: string;
  owner: string;
}

/**
 * The record of deadline notices already sent. `claim` inserts the row first and reports whether
 * this caller inserted it: with two replicas racing, only one wins the primary key and sends.
 */
export class CampaignNoticeStore {
  constructor(private readonly db: Knex) {}

  async claim(key: NoticeKey, at: Date): Promise<boolean> {
    const rows = await this.db(TABLE)
      .insert({
        campaign_id: key.campaignId,
        window: key.window,
        owner: key.owner,
        sent_at: at.toISOString(),
        outcome: 'pending',
      })
      .onConflict(['campaign_id', 'window', 'owner'])
      .ignore()
      .returning('campaign_id');
    return rows.length > 0;
  }

  async record(key: NoticeKey, outcome: 'notified' | 'logged'): Promise<void> {
    await this.db(TABLE)
      .where({ campaign_id: key.campaignId, window: key.window, owner: key.owner })
      .update({ outcome });
  }

  async list(campaignId: string): Promise<{ window: string; owner: string; outcome: string }[]> {
    return this.db(TABLE).select('window', 'owner', 'outcome').where('campaign_id', campaignId).orderBy('owner');
  }
}
