/**
 * Isomorphic types, scoring, permissions and the REST client shared by the
 * Posture plugins.
 *
 * @packageDocumentation
 */
export * from './types';
export * from './resources';
export * from './scoring';
export * from './permissions';
export * from './api';
export * from './client';
export * from './quadrant';
