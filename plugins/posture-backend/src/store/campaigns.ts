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

const STATES = 'posture_campaign_states';
/** refs per `whereIn` */
const BATCH = 500;

export interface CampaignStateRow {
  entityRef: string;
  at: string;
  met: boolean;
}

/**
 * Whether each service met a campaign's target, recorded only when it changes, so the table grows
 * with changes, not with runs. The burn-down of a check target sweeps these rows.
 */
export class CampaignStateStore {
  constructor(private readonly db: Knex) {}

  private async read(campaignId: string, refs: string[]): Promise<CampaignStateRow[]> {
    const out: CampaignStateRow[] = [];
    for (let i = 0; i < refs.length; i += BATCH) {
      const rows: { entity_ref: string; at: string; met: boolean | number }[] = await this.db(STATES)
        .select('entity_ref', 'at', 'met')
        .where('campaign_id', campaignId)
        .whereIn('entity_ref', refs.slice(i, i + BATCH))
        .orderBy('id');
      for (const r of rows) out.push({ entityRef: r.entity_ref, at: r.at, met: Boolean(r.met) });
    }
    return out;
  }

  /** Records the states that differ from each service's latest one; returns how many were written. */
  async record(campaignId: string, states: { entityRef: string; met: boolean }[], at: Date): Promise<number> {
    const refs = [...new Set(states.map(s => s.entityRef.toLocaleLowerCase('en-US')))];
    const latest = new Map<string, boolean>();
    for (const r of await this.read(campaignId, refs)) latest.set(r.entityRef, r.met);
    const changed = states
      .map(s => ({ ref: s.entityRef.toLocaleLowerCase('en-US'), met: s.met }))
      .filter(s => latest.get(s.ref) !== s.met)
      .map(s => ({ campaign_id: campaignId, entity_ref: s.ref, at: at.toISOString(), met: s.met }));
    for (let i = 0; i < changed.length; i += 200) await this.db(STATES).insert(changed.slice(i, i + 200));
    return changed.length;
  }

  /** The recorded states of these services, in time order. */
  async statesOf(campaignId: string, refs: string[]): Promise<CampaignStateRow[]> {
    const rows = await this.read(campaignId, [...new Set(refs.map(r => r.toLocaleLowerCase('en-US')))]);
    return rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}
