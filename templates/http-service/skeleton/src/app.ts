import http from 'node:http';

export interface App {
  server: http.Server;
  /** Fail readiness so the Service stops routing new requests here, then stop accepting connections. */
  drain(delayMs: number): Promise<void>;
}

const SERVICE = '${{ values.name }}';

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function createApp(): App {
  let ready = true;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, { error: 'method not allowed' });
      return;
    }
    switch (path) {
      // liveness: the process answers; restarting would not fix anything else
      case '/healthz':
        send(res, 200, { status: 'ok' });
        return;
      // readiness: false while draining, so rolling updates and scale-downs drop no requests
      case '/readyz':
        send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'draining' });
        return;
      case '/':
        send(res, 200, { service: SERVICE });
        return;
      default:
        send(res, 404, { error: 'not found' });
    }
  });
  // a slow client cannot hold a connection open forever
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    server,
    async drain(delayMs) {
      ready = false;
      await new Promise(resolve => setTimeout(resolve, delayMs));
      await new Promise<void>((resolve, reject) =>
        server.close(err => (err ? reject(err) : resolve())),
      );
    },
  };
}
