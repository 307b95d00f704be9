import http from 'node:http';
import { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { KubeApiTestServer, startKubeApiTestServer } from '../testUtils';
import { KubernetesClusterSource } from './kubernetesSource';

/** Deployments with a 2 KB env value each: a list page of them is well over the 128 KiB the server compresses. */
function manifests(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: api-${i}, namespace: shop}
spec:
  selector: {matchLabels: {app: api-${i}}}
  template:
    metadata: {labels: {app: api-${i}}}
    spec:
      containers:
        - name: api
          image: shop/api:1.0
          env: [{name: A, value: "${'x'.repeat(2000)}"}]`);
  }
  return docs.join('\n---\n');
}

function source(url: string, compression?: boolean, limits?: { maxBodyBytes?: number }) {
  return new KubernetesClusterSource(
    {
      type: 'kubernetes',
      name: 'c1',
      url,
      skipTLSVerify: true,
      inCluster: false,
      timeoutMs: 10_000,
      pageSize: 500,
      ...(compression === undefined ? {} : { compression }),
    },
    limits,
  );
}

const collect = (s: KubernetesClusterSource) => s.collect(new AbortController().signal);

describe('gzip-compressed lists', () => {
  let server: KubeApiTestServer;
  beforeAll(async () => {
    server = await startKubeApiTestServer({ yaml: manifests(300) });
  });
  afterAll(() => server.close());
  beforeEach(() => server.resetStats());

  it('asks for gzip by default, counts the bytes on the wire, and reads the same objects', async () => {
    const gzipped = await collect(source(server.url));
    expect(gzipped.bytesRead).toBe(server.stats.bytesSent);
    server.resetStats();
    const plain = await collect(source(server.url, false));
    expect(plain.bytesRead).toBe(server.stats.bytesSent);

    expect(gzipped.objectCounts.Deployment).toBe(300);
    expect(gzipped.objects).toEqual(plain.objects);
    // 300 × 2 KB of one letter: level 1 gzip keeps far less than a tenth
    expect(gzipped.bytesRead! * 10).toBeLessThan(plain.bytesRead!);
  });

  it('fails one clear line on a gzip body cut short', async () => {
    server.setFaults([{ fault: 'truncate', resource: 'deployments' }]);
    try {
      await expect(collect(source(server.url))).rejects.toThrow(
        /^\/apis\/apps\/v1\/deployments: the response is not valid gzip \(unexpected end of file\)/,
      );
    } finally {
      server.setFaults([]);
    }
  });

  it('limits the inflated text, not the compressed bytes: a small body that inflates past the limit is refused', async () => {
    // about 1 MB of JSON, compressed to a few KB; a limit of 256 KiB refuses it while inflating
    await expect(collect(source(server.url, true, { maxBodyBytes: 256 * 1024 }))).rejects.toThrow(
      /\/apis\/apps\/v1\/deployments: response body too large \(over 256 KB\)/,
    );
    // without compression the same limit applies to the plain body
    await expect(collect(source(server.url, false, { maxBodyBytes: 256 * 1024 }))).rejects.toThrow(/response body too large/);
  });
});

describe('answers from a server that does not follow the request', () => {
  let raw: http.Server;
  let url: string;
  let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  beforeAll(async () => {
    raw = http.createServer((req, res) => answer(req, res));
    await new Promise<void>(r => raw.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>(r => raw.close(() => r())));

  it('refuses an encoding it did not ask for, and gzip when compression is off', async () => {
    const seen: (string | undefined)[] = [];
    answer = (req, res) => {
      seen.push(req.headers['accept-encoding']);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'br' });
      res.end('{}');
    };
    await expect(collect(source(url))).rejects.toThrow(/encoding that was not asked for \("br"\)/);
    expect(seen[0]).toBe('gzip');

    seen.length = 0;
    answer = (req, res) => {
      // /apis only: a collection asks for /apis and /version at once, and the first one's /version may come late
      if (req.url === '/apis') seen.push(req.headers['accept-encoding']);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(zlib.gzipSync('{}'));
    };
    await expect(collect(source(url, false))).rejects.toThrow(/encoding that was not asked for \("gzip"\)/);
    expect(seen).toEqual([undefined]);
  });

  it('reports a body that claims gzip but is not', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end('{"kind":"APIGroupList","groups":[]}');
    };
    await expect(collect(source(url))).rejects.toThrow(/\/apis: the response is not valid gzip \(incorrect header check\)/);
  });
});
