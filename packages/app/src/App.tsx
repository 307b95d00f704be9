import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import posturePlugin from '@posture-dev/backstage-plugin-posture/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { catalogPageWithPosture } from './modules/catalog';

export default createApp({
  features: [
    // the catalog index page with the Posture grade column (see modules/catalog for why an override)
    catalogPlugin.withOverrides({ extensions: [catalogPageWithPosture] }),
    posturePlugin,
    navModule,
    homeModule,
  ],
});
