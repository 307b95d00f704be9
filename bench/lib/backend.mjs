// Loads the backend's TypeScript modules. Only works in a process started with TS_FLAGS.
import { backendRequire } from './env.mjs';

export function backend() {
  if (!process.execArgv.some(a => a.includes('nodeTransform'))) {
    throw new Error(
      'start this script with the Backstage node transform (see bench/lib/env.mjs TS_FLAGS)',
    );
  }
  return {
    testUtils: backendRequire('./src/testUtils'),
    ...backendRequire('./src/clusters/kubernetesSource'),
    node: backendRequire('@posture-dev/backstage-plugin-posture-node'),
  };
}

/** A source for one test server, configured as app-config would configure it. */
export function sourceFor(KubernetesClusterSource, server, pageSize = 500) {
  return new KubernetesClusterSource({
    type: 'kubernetes',
    name: server.name,
    url: server.url,
    skipTLSVerify: true,
    inCluster: false,
    timeoutMs: 10 * 60_000,
    pageSize,
  });
}

/** Prints the worker's result for the parent (bench/lib/spawn.mjs) to pick up. */
export function report(result) {
  process.stdout.write(`\nBENCH_RESULT ${JSON.stringify(result)}\n`);
}
