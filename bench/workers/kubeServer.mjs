// A Kubernetes API test server with a generated cluster, in its own process so that the process
// measuring the collector holds nothing but the collector's data. Prints `URL <url>`; stops when
// its stdin closes.
//   node <TS_FLAGS> bench/workers/kubeServer.mjs <objects> [seed]
import { generateCluster } from '../generate.mjs';
import { backend } from '../lib/backend.mjs';

const { testUtils } = backend();
const { objects } = generateCluster({
  objects: Number(process.argv[2]),
  seed: Number(process.argv[3] ?? 11),
});
const server = await testUtils.startKubeApiTestServer({
  name: 'bench',
  objects,
  autoCreateNamespaces: false,
  maxLogEntries: 1000,
});
process.stdout.write(`URL ${server.url} ${server.objects().length}\n`);
process.stdin.resume();
process.stdin.on('end', () => server.close().then(() => process.exit(0)));
process.stdin.on('close', () => server.close().then(() => process.exit(0)));
