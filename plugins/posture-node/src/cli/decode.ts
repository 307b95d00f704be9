export { decodeManifest } from '../reader/decode';
export type { Decoded } from '../reader/decode';
