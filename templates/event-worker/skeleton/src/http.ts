import http from 'node:http';

export interface HttpOptions {
  /** ready to take work: connected to the broker and consuming */
  ready(): boolean;
  /** Puts one event on the queue; resolves once the broker has confirmed it. */
  enqueue(body: Buffer): Promise<void>;
  maxBodyBytes?: number;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Health endpoints, and POST /events: an intake that queues the request body for the workers. */
export function createHttpServer(options: HttpOptions): http.Server {
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') {
      const ready = options.ready();
      return send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
    }
    if (req.method === 'POST' && path === '/events') {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBodyBytes) {
          send(res, 413, { error: `body over ${maxBodyBytes} bytes` });
          req.destroy();
        } else chunks.push(c);
      });
      req.on('end', () => {
        if (res.headersSent) return;
        const body = Buffer.concat(chunks);
        try {
          JSON.parse(body.toString('utf8'));
        } catch {
          return send(res, 400, { error: 'body must be JSON' });
        }
        options.enqueue(body).then(
          () => send(res, 202, { status: 'queued' }),
          err => send(res, 503, { error: `not queued: ${String(err)}` }),
        );
      });
      return;
    }
    send(res, 404, { error: 'not found' });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}
