import { NotFoundError } from '@backstage/errors';
import {
  CampaignDefinition,
  CampaignDetail,
  CampaignEntity,
  CampaignSummary,
  CheckMetadata,
  EntityCampaign,
  OverviewRow,
} from '@posture-dev/backstage-plugin-posture-common';
import { OrgDirectory } from '../org/directory';
import { PostureStoreApi } from '../service/storeApi';
import { MetState, burndown, byOwner, judgeEntity, summarise } from './evaluate';

/** The recorded met/short states of a campaign's services (the burn-down of a check target). */
export interface CampaignStates {
  statesOf(campaignId: string, refs: string[]): Promise<MetState[]>;
  record(campaignId: string, states: { entityRef: string; met: boolean }[], at: Date): Promise<number>;
}

export interface CampaignServiceOptions {
  store: PostureStoreApi;
  org: OrgDirectory;
  campaigns: CampaignDefinition[];
  checks: () => CheckMetadata[];
  clock?: () => Date;
  /** where check targets' met/short states are recorded; without it their burn-down is the current point */
  states?: CampaignStates;
}

/**
 * Campaign progress from the stored scorecards: which services a campaign covers (its scope, with
 * owner groups expanded to their subtree), which of them meet its target, and what blocks the rest.
 * Every read takes the caller's readable refs; undefined means all (the notifier's view).
 */
export class CampaignService {
  private readonly clock: () => Date;

  constructor(private readonly options: CampaignServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  get definitions(): CampaignDefinition[] {
    return this.options.campaigns;
  }

  private definition(id: string): CampaignDefinition {
    const def = this.options.campaigns.find(c => c.id === id);
    if (!def) throw new NotFoundError(`No campaign ${id.slice(0, 64)}`);
    return def;
  }

  private async scopeRows(def: CampaignDefinition, allowedRefs?: Set<string>): Promise<OverviewRow[]> {
    const { owners, systems, lifecycles, tags } = def.scope;
    let ownerRefs: string[] | undefined;
    if (owners?.length) {
      const trees = await Promise.all(owners.map(o => this.options.org.groupTree(o)));
      ownerRefs = [...new Set(trees.flat())];
    }
    let rows = await this.options.store.overviewCsvRows({
      owner: ownerRefs,
      system: systems,
      lifecycle: lifecycles,
      allowedRefs,
      sort: 'name',
      order: 'asc',
    });
    if (tags?.length) {
      const tagged = await this.options.org.entitiesTagged(tags);
      rows = rows.filter(r => tagged.has(r.entityRef.toLocaleLowerCase('en-US')));
    }
    return rows;
  }

  private async judge(def: CampaignDefinition, rows: OverviewRow[]): Promise<CampaignEntity[]> {
    const failures = await this.options.store.failuresOf(rows.map(r => r.entityRef));
    const titles = new Map(this.options.checks().map(c => [c.id, c]));
    return rows.map(r => judgeEntity(def, r, failures.get(r.entityRef.toLocaleLowerCase('en-US')) ?? [], titles));
  }

  async list(allowedRefs?: Set<string>): Promise<CampaignSummary[]> {
    const today = this.clock();
    const out: CampaignSummary[] = [];
    for (const def of this.options.campaigns) {
      const entities = await this.judge(def, await this.scopeRows(def, allowedRefs));
      out.push(summarise(def, entities, today));
    }
    return out;
  }

  async detail(id: string, allowedRefs?: Set<string>): Promise<CampaignDetail> {
    const def = this.definition(id);
    const now = this.clock();
    const entities = await this.judge(def, await this.scopeRows(def, allowedRefs));
    // short first, then by how much blocks them
    entities.sort(
      (a, b) =>
        Number(a.met) - Number(b.met) ||
        b.blockingChecks.length - a.blockingChecks.length ||
        a.entityRef.localeCompare(b.entityRef),
    );
    const history =
      def.target.type === 'check' || entities.length === 0
        ? []
        : await this.options.store.historyOf(entities.map(e => e.entityRef));
    const states =
      def.target.type === 'check' && this.options.states && entities.length
        ? await this.options.states.statesOf(def.id, entities.map(e => e.entityRef))
        : [];
    return {
      ...summarise(def, entities, now),
      byOwner: byOwner(entities),
      entities,
      burndown: burndown(def, history, entities, now.toISOString(), states),
    };
  }

  /** The campaigns whose scope includes the entity, with how it stands in each. */
  async forEntity(entityRef: string): Promise<EntityCampaign[]> {
    const ref = entityRef.toLocaleLowerCase('en-US');
    const today = this.clock();
    const out: EntityCampaign[] = [];
    for (const def of this.options.campaigns) {
      const rows = (await this.scopeRows(def, new Set([ref]))).filter(
        r => r.entityRef.toLocaleLowerCase('en-US') === ref,
      );
      if (rows.length === 0) continue;
      const [judged] = await this.judge(def, rows);
      out.push({
        id: def.id,
        title: def.title,
        deadline: def.deadline,
        daysLeft: summarise(def, [judged], today).daysLeft,
        target: def.target,
        met: judged.met,
        blockingChecks: judged.blockingChecks,
      });
    }
    return out;
  }

  /**
   * Records, for every check-target campaign, which services meet it now (only changes are
   * written), over all entities: the rows are filtered per reader when the burn-down is served.
   */
  async recordStates(at: Date = this.clock()): Promise<number> {
    const states = this.options.states;
    if (!states) return 0;
    let written = 0;
    for (const def of this.options.campaigns) {
      if (def.target.type !== 'check') continue;
      const entities = await this.judge(def, await this.scopeRows(def));
      written += await states.record(def.id, entities.map(e => ({ entityRef: e.entityRef, met: e.met })), at);
    }
    return written;
  }

  /** Every service still short, per campaign, over all entities (for the deadline notifier). */
  async shortServices(def: CampaignDefinition): Promise<CampaignEntity[]> {
    return (await this.judge(def, await this.scopeRows(def))).filter(e => !e.met);
  }
}
