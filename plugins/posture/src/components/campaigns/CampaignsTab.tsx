import { Route, Routes } from 'react-router-dom';
import { CampaignList } from './CampaignList';
import { CampaignPage } from './CampaignPage';

/** The Campaigns tab of the Posture page: the list, and a page per campaign below it. */
export function CampaignsTab() {
  return (
    <Routes>
      <Route path="/" element={<CampaignList />} />
      <Route path="/:id" element={<CampaignPage />} />
    </Routes>
  );
}
