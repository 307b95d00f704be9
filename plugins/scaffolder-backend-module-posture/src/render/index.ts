/**
 * Runs golden-path templates outside the scaffolder, with the scaffolder's own rendering: the real
 * `fetch:template` action and the workflow runner's step templating. Used by the template tests.
 */
export * from './context';
export * from './parameters';
export * from './renderTemplate';
export * from './workflow';
