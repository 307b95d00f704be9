import { ConfigReader } from '@backstage/config';
import { readCampaigns } from './config';

const read = (campaigns: unknown[]) => readCampaigns(new ConfigReader({ posture: { campaigns } } as any));

describe('readCampaigns', () => {
  it('reads each kind of target, scope refs and defaults', () => {
    const [a, b, c] = read([
      { id: 'prod-silver', title: 'Silver', target: { level: 'silver' }, deadline: '2027-03-31', scope: { lifecycles: ['Production'], owners: ['team-a'] } },
      { id: 'no-priv', title: 'No privileged', target: { check: 'pss-privileged' }, deadline: '2027-01-15', start: '2026-11-01', notifyDaysBefore: 7 },
      { id: 'sec-80', title: 'Security 80', target: { score: 80, pillar: 'security' }, deadline: '2027-06-30', scope: { systems: ['shop'], tags: ['Java'] } },
    ]);
    expect(a).toMatchObject({ target: { type: 'level', level: 'Silver' }, notifyDaysBefore: 14, startsAt: null });
    expect(a.scope).toMatchObject({ lifecycles: ['production'], owners: ['group:default/team-a'] });
    expect(b).toMatchObject({ target: { type: 'check', checkId: 'pss-privileged' }, startsAt: '2026-11-01', notifyDaysBefore: 7 });
    expect(c).toMatchObject({ target: { type: 'score', score: 80, pillar: 'security' } });
    expect(c.scope).toMatchObject({ systems: ['system:default/shop'], tags: ['java'] });
  });

  it.each([
    ['two targets', { target: { level: 'Gold', check: 'x' } }, /exactly one/],
    ['no target', { target: {} }, /exactly one/],
    ['a level that is not one', { target: { level: 'Platinum' } }, /level must be/],
    ['a score above 100', { target: { score: 120 } }, /score must be/],
    ['a date that does not exist', { deadline: '2027-02-30' }, /YYYY-MM-DD/],
    ['a date in another shape', { deadline: '31/03/2027' }, /YYYY-MM-DD/],
    ['an id with a slash', { id: '../x' }, /id must be/],
  ])('rejects %s', (_what, patch, message) => {
    expect(() => read([{ id: 'c', title: 't', target: { level: 'Gold' }, deadline: '2027-01-01', ...patch }])).toThrow(message);
  });

  it('rejects an id used twice', () => {
    const c = { id: 'c', title: 't', target: { level: 'Gold' }, deadline: '2027-01-01' };
    expect(() => read([c, c])).toThrow(/used twice/);
  });
});
