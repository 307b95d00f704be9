/**
 * Runs golden-path templates outside the scaffolder, with the scaffolder's own rendering: the real
 * `fetch:template` action and the workflow runner's step templating. Used by the template tests.
 *
 * Test-only (hence `__testUtils__`): it imports `@backstage/plugin-scaffolder-backend` and its templating
 * dependencies, which the action module must not depend on at run time.
 */
export * from './context';
export * from './parameters';
export * from './renderTemplate';
export * from './workflow';
