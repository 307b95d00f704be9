import http from 'node:http';
import { FileStore, KEY } from './store';

export interface App {
  server: http.Server;
  /** Fail readiness so the Service stops routing new requests here, then stop accepting connections. */
  drain(delayMs: number): Promise<void>;
}

const MAX_VALUE_BYTES = 1024 * 1024;

function send(res: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `identity` is the pod's stable name (e.g. ${{ values.name }}-0), which the StatefulSet keeps across restarts. */
export function createApp(store: FileStore, identity: string): App {
  let draining = false;
  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (req.method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
      if (req.method === 'GET' && path === '/readyz') {
        const ready = !draining && (await store.writable());
        return send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', identity });
      }
      const m = /^\/kv\/([^/]+)$/.exec(path);
      if (!m) return send(res, 404, { error: 'not found' });
      let key = '';
      try {
        key = decodeURIComponent(m[1]);
      } catch {
        // malformed percent-encoding: not a valid key either
      }
      if (!KEY.test(key)) return send(res, 400, { error: 'keys are 1 to 128 of A-Z a-z 0-9 _ -' });
      switch (req.method) {
        case 'GET': {
          const value = await store.get(key);
          if (value === undefined) return send(res, 404, { error: 'no such key', identity });
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': value.length });
          res.end(value);
          return;
        }
        case 'PUT': {
          const body = await readBody(req, MAX_VALUE_BYTES);
          if (body === undefined) return send(res, 413, { error: `values are at most ${MAX_VALUE_BYTES} bytes` });
          await store.put(key, body);
          return send(res, 204);
        }
        case 'DELETE':
          return (await store.delete(key)) ? send(res, 204) : send(res, 404, { error: 'no such key', identity });
        default:
          return send(res, 405, { error: 'method not allowed' });
      }
    } catch (e) {
      console.error(JSON.stringify({ msg: 'request failed', error: String(e) }));
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    }
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  return {
    server,
    async drain(delayMs) {
      draining = true;
      await new Promise(resolve => setTimeout(resolve, delayMs));
      await new Promise<void>((resolve, reject) => server.close(err => (err ? reject(err) : resolve())));
    },
  };
}
