import http from 'node:http';
import { AddressInfo } from 'node:net';
import { KubernetesClusterSource } from './kubernetesSource';

/** An API server behind a proxy that answers errors in HTML, as ingress controllers and load balancers do. */
describe('KubernetesClusterSource behind a proxy', () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  it('reports the status of an error page, not a JSON parse failure', async () => {
    const source = new KubernetesClusterSource({
      type: 'kubernetes',
      name: 'behind-proxy',
      url,
      skipTLSVerify: true,
      serviceAccountToken: 'token',
      inCluster: false,
      timeoutMs: 5_000,
      pageSize: 500,
    });
    await expect(source.collect(new AbortController().signal)).rejects.toThrow(/^502 Bad Gateway$/);
  });
});
