import http from 'node:http';
import zlib from 'node:zlib';
import { KubeApiTestServer, startKubeApiTestServer } from './index';
import { GZIP_THRESHOLD_BYTES, acceptsGzip } from './server';

function configMaps(n: number, size: number): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `cm-${i}`, namespace: 'shop' },
    data: { a: 'x'.repeat(size) },
  }));
}

/** A raw GET: the body as sent, without the inflating every HTTP client library does. */
function rawGet(url: string, acceptEncoding?: string): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {} }, res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['gzip, deflate', true],
    ['br, GZIP;q=0.5', true],
    ['deflate, gzip', true],
    ['gzip;q=0', false],
    ['deflate', false],
    ['x-gzip', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe('response compression', () => {
  let server: KubeApiTestServer;
  beforeAll(async () => {
    // 40 × 5 KB: a list of all is over the threshold, one object is far under it
    server = await startKubeApiTestServer({ objects: configMaps(40, 5000) });
  });
  afterAll(() => server.close());
  beforeEach(() => server.resetStats());

  it('gzips a list over 128 KiB for a client that accepts gzip, and counts the bytes sent', async () => {
    const plain = await rawGet(`${server.url}/api/v1/configmaps`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(GZIP_THRESHOLD_BYTES);
    const sentPlain = server.stats.bytesSent;
    expect(sentPlain).toBe(plain.body.length);

    const gz = await rawGet(`${server.url}/api/v1/configmaps`, 'gzip, deflate');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('Accept-Encoding');
    // streamed as the API server does: chunked, no Content-Length
    expect(gz.headers['content-length']).toBeUndefined();
    expect(server.stats.bytesSent - sentPlain).toBe(gz.body.length);
    const inflated = JSON.parse(zlib.gunzipSync(gz.body).toString('utf8'));
    expect(inflated.items).toHaveLength(40);
    expect(gz.body.length * 10).toBeLessThan(plain.body.length);
  });

  it('leaves small bodies, discovery and a refused gzip alone', async () => {
    const one = await rawGet(`${server.url}/api/v1/namespaces/shop/configmaps/cm-0`, 'gzip');
    expect(one.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(one.body.toString('utf8')).metadata.name).toBe('cm-0');
    const page = await rawGet(`${server.url}/api/v1/configmaps?limit=2`, 'gzip');
    expect(page.headers['content-encoding']).toBeUndefined();
    for (const path of ['/apis', '/api/v1', '/version']) {
      expect((await rawGet(`${server.url}${path}`, 'gzip')).headers['content-encoding']).toBeUndefined();
    }
    expect((await rawGet(`${server.url}/api/v1/configmaps`, 'gzip;q=0')).headers['content-encoding']).toBeUndefined();
  });

  it('compression: false serves every body as it is', async () => {
    const off = await startKubeApiTestServer({ objects: configMaps(40, 5000), compression: false });
    try {
      const r = await rawGet(`${off.url}/api/v1/configmaps`, 'gzip');
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(r.body.toString('utf8')).items).toHaveLength(40);
    } finally {
      await off.close();
    }
  });
});
