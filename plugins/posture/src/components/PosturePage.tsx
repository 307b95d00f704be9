import { Content, Header, Page, RoutedTabs } from '@backstage/core-components';
import { CheckCatalog } from './checks/CheckCatalog';
import { PostureOverview } from './overview/PostureOverview';
import { CampaignsTab } from './campaigns/CampaignsTab';
import { TrendCard } from './trends/TrendCard';

/**
 * Overview at the page's root and the check catalog at ./checks, as tabs.
 * Without a header: the new frontend system's page layout brings its own.
 */
export function PostureTabs() {
  return (
    <RoutedTabs
      routes={[
        { path: '/', title: 'Overview', children: <PostureOverview /> },
        { path: '/checks', title: 'Checks', children: <CheckCatalog /> },
        { path: '/campaigns', title: 'Campaigns', children: <CampaignsTab /> },
        { path: '/trends', title: 'Trends', children: <TrendCard title="Every service: average score over time" /> },
      ]}
    />
  );
}

const SUBTITLE = 'Scalability and security of every service, from what runs in the clusters';

/** Legacy app page, mounted at /posture. */
export function PosturePage() {
  return (
    <Page themeId="tool">
      <Header title="Posture" subtitle={SUBTITLE} />
      <PostureTabs />
    </Page>
  );
}

/** Legacy app page for the check catalog on its own route. */
export function PostureChecksPage() {
  return (
    <Page themeId="tool">
      <Header title="Posture checks" subtitle="Every check, why it matters and how to fix it" />
      <Content>
        <CheckCatalog />
      </Content>
    </Page>
  );
}
