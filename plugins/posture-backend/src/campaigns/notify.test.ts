import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { CampaignDefinition, CampaignEntity } from '@posture-dev/backstage-plugin-posture-common';
import { CampaignNoticeStore } from '../store/campaigns';
import { PostureStore } from '../store';
import { notifyCampaignDeadlines } from './notify';
import { CampaignService } from './service';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'], disableDocker: true });

const campaign: CampaignDefinition = {
  id: 'prod-silver',
  title: 'Production reaches Silver',
  description: null,
  target: { type: 'level', level: 'Silver' },
  deadline: '2027-03-31',
  startsAt: null,
  scope: {},
  notifyDaysBefore: 14,
};

const short = (name: string, owner: string | null): CampaignEntity => ({
  entityRef: `component:default/${name}`,
  title: null,
  owner,
  state: 'scored',
  met: false,
  grade: 'D',
  level: 'None',
  overall: 60,
  blockingChecks: [],
  reason: null,
});

function fakeCampaigns(defs: CampaignDefinition[], entities: CampaignEntity[]) {
  return { definitions: defs, shortServices: jest.fn().mockResolvedValue(entities) } as unknown as CampaignService;
}

async function ledger() {
  const knex = await databases.init('SQLITE_3');
  // runs the migrations, the notices table's among them
  await PostureStore.fromKnex(knex);
  return { store: new CampaignNoticeStore(knex), knex };
}

describe('notifyCampaignDeadlines', () => {
  it('notifies each owner still short once per campaign window, across runs', async () => {
    const { store } = await ledger();
    const send = jest.fn().mockResolvedValue(undefined);
    const logger = mockServices.logger.mock();
    const campaigns = fakeCampaigns([campaign], [short('a', 'group:default/x'), short('b', 'group:default/x'), short('c', 'group:default/y')]);
    const run = () =>
      notifyCampaignDeadlines({ campaigns, ledger: store, notifications: { send } as any, logger, now: new Date('2027-03-25T10:00:00Z') });
    expect(await run()).toEqual({ notified: 2, logged: 0 });
    expect(await run()).toEqual({ notified: 0, logged: 0 });
    expect(send).toHaveBeenCalledTimes(2);
    const first = send.mock.calls[0][0];
    expect(first.recipients).toEqual({ type: 'entity', entityRef: 'group:default/x' });
    expect(first.payload.title).toBe('Posture campaign due in 6 days: Production reaches Silver');
    expect(first.payload.description).toMatch(/^2 services are still short/);
    expect(await store.list('prod-silver')).toEqual([
      { window: '2027-03-31', owner: 'group:default/x', outcome: 'notified' },
      { window: '2027-03-31', owner: 'group:default/y', outcome: 'notified' },
    ]);
    // a new deadline is a new window
    const moved = fakeCampaigns([{ ...campaign, deadline: '2027-04-02' }], [short('a', 'group:default/x')]);
    expect(
      await notifyCampaignDeadlines({ campaigns: moved, ledger: store, notifications: { send } as any, logger, now: new Date('2027-03-25T10:00:00Z') }),
    ).toEqual({ notified: 1, logged: 0 });
  });

  it('logs instead when notifications are not installed, and still only once', async () => {
    const { store } = await ledger();
    const send = jest.fn().mockRejectedValue(new Error('404 Not Found'));
    const logger = mockServices.logger.mock();
    const campaigns = fakeCampaigns([campaign], [short('a', 'group:default/x')]);
    const run = () =>
      notifyCampaignDeadlines({ campaigns, ledger: store, notifications: { send } as any, logger, now: new Date('2027-03-30T10:00:00Z') });
    expect(await run()).toEqual({ notified: 0, logged: 1 });
    expect(await run()).toEqual({ notified: 0, logged: 0 });
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String((logger.warn as jest.Mock).mock.calls[0][0])).toMatch(/not sent \(404 Not Found\).*1 service is still short/);
  });

  it('stays quiet outside the notice period and after the deadline', async () => {
    const { store } = await ledger();
    const send = jest.fn();
    const campaigns = fakeCampaigns([campaign], [short('a', 'group:default/x')]);
    for (const now of ['2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z']) {
      expect(
        await notifyCampaignDeadlines({ campaigns, ledger: store, notifications: { send } as any, logger: mockServices.logger.mock(), now: new Date(now) }),
      ).toEqual({ notified: 0, logged: 0 });
    }
    expect(send).not.toHaveBeenCalled();
  });
});
