import { CampaignDetail, CampaignSummary, EntityCampaign } from '@posture-dev/backstage-plugin-posture-common';

/** Campaign responses as the backend shapes them, for component tests. */
export const CAMPAIGN_SUMMARY: CampaignSummary = {
  id: 'production-silver',
  title: 'Every production service reaches Silver',
  description: 'No critical or high finding left.',
  target: { type: 'level', level: 'Silver' },
  deadline: '2027-03-31',
  startsAt: null,
  scope: { lifecycles: ['production'] },
  notifyDaysBefore: 14,
  progress: { total: 3, met: 1, percent: 33.3 },
  daysLeft: 117,
};

export const CAMPAIGN_DETAIL: CampaignDetail = {
  ...CAMPAIGN_SUMMARY,
  byOwner: [
    { owner: 'group:default/team-payments', total: 2, met: 0 },
    { owner: 'group:default/team-growth', total: 1, met: 1 },
  ],
  entities: [
    {
      entityRef: 'component:default/checkout-api',
      title: 'Checkout API',
      owner: 'group:default/team-payments',
      state: 'scored',
      met: false,
      grade: 'D',
      level: 'None',
      overall: 64,
      blockingChecks: [{ checkId: 'pss-privileged', title: 'No privileged containers', severity: 'critical' }],
      reason: null,
    },
    {
      entityRef: 'component:default/payments-ledger',
      title: null,
      owner: 'group:default/team-payments',
      state: 'no-workloads',
      met: false,
      grade: null,
      level: null,
      overall: null,
      blockingChecks: [],
      reason: 'not scored: no workloads matched in the clusters searched',
    },
    {
      entityRef: 'component:default/storefront-web',
      title: null,
      owner: 'group:default/team-growth',
      state: 'scored',
      met: true,
      grade: 'A',
      level: 'Gold',
      overall: 97,
      blockingChecks: [],
      reason: null,
    },
  ],
  burndown: [
    { at: '2026-11-01T00:00:00.000Z', short: 3, total: 3 },
    { at: '2026-11-20T00:00:00.000Z', short: 2, total: 3 },
    { at: '2026-12-04T00:00:00.000Z', short: 2, total: 3 },
  ],
};

export const ENTITY_CAMPAIGNS: EntityCampaign[] = [
  {
    id: 'production-silver',
    title: 'Every production service reaches Silver',
    deadline: '2027-03-31',
    daysLeft: 117,
    target: { type: 'level', level: 'Silver' },
    met: false,
    blockingChecks: [{ checkId: 'pss-privileged', title: 'No privileged containers', severity: 'critical' }],
  },
  {
    id: 'security-80',
    title: 'Security 80',
    deadline: '2026-12-12',
    daysLeft: 8,
    target: { type: 'score', score: 80, pillar: 'security' },
    met: true,
    blockingChecks: [],
  },
];
