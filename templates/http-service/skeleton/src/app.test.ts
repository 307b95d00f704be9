import assert from 'node:assert/strict';
import { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createApp } from './app';

async function start() {
  const app = createApp();
  await new Promise<void>(resolve => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  return { app, url: (p: string) => `http://127.0.0.1:${port}${p}` };
}

test('liveness and readiness answer on different paths', async () => {
  const { app, url } = await start();
  try {
    assert.equal((await fetch(url('/healthz'))).status, 200);
    assert.equal((await fetch(url('/readyz'))).status, 200);
    assert.equal((await fetch(url('/nope'))).status, 404);
  } finally {
    app.server.close();
  }
});

test('readiness fails while draining, liveness does not', async () => {
  const { app, url } = await start();
  const draining = app.drain(200);
  const res = await fetch(url('/readyz'), { headers: { connection: 'close' } });
  assert.equal(res.status, 503);
  const live = await fetch(url('/healthz'), { headers: { connection: 'close' } });
  assert.equal(live.status, 200);
  await draining;
});
