export { catalogPageWithPosture } from './catalogPageWithPosture';
