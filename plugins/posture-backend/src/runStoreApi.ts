import { PostureStore } from './store';

export type { Regression } from './store';

/** What a collection run needs from the store. */
export type PostureRunStore = Pick<
  PostureStore,
  | 'getClusterStatuses'
  | 'listEntityRefs'
  | 'saveRun'
  | 'listAbsentEntities'
  | 'markEntitiesAbsent'
  | 'clearEntitiesAbsent'
>;
