import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createHttpServer } from './http';

test('health, readiness and the event intake', async () => {
  let ready = false;
  const queued: string[] = [];
  const server = createHttpServer({
    ready: () => ready,
    enqueue: async body => {
      queued.push(body.toString());
    },
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = (p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;
  try {
    assert.equal((await fetch(url('/healthz'))).status, 200);
    assert.equal((await fetch(url('/readyz'))).status, 503);
    ready = true;
    assert.equal((await fetch(url('/readyz'))).status, 200);
    assert.equal((await fetch(url('/events'), { method: 'POST', body: 'not json' })).status, 400);
    assert.equal((await fetch(url('/events'), { method: 'POST', body: '{"type":"a"}' })).status, 202);
    assert.deepEqual(queued, ['{"type":"a"}']);
  } finally {
    server.close();
  }
});
