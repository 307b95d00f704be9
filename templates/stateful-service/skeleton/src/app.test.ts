import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createApp } from './app';
import { FileStore } from './store';

async function start() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'store-'));
  const store = new FileStore(dir);
  await store.init();
  const app = createApp(store, 'test-0');
  await new Promise<void>(resolve => app.server.listen(0, '127.0.0.1', resolve));
  const { port } = app.server.address() as AddressInfo;
  return { app, dir, url: (p: string) => `http://127.0.0.1:${port}${p}` };
}

test('stores, reads and deletes values on disk', async () => {
  const { app, dir, url } = await start();
  try {
    assert.equal((await fetch(url('/kv/a'))).status, 404);
    assert.equal((await fetch(url('/kv/a'), { method: 'PUT', body: 'hello' })).status, 204);
    assert.equal(await (await fetch(url('/kv/a'))).text(), 'hello');
    assert.deepEqual(await fs.readdir(dir), ['a.val']);
    assert.equal((await fetch(url('/kv/a'), { method: 'DELETE' })).status, 204);
    assert.equal((await fetch(url('/kv/a'))).status, 404);
  } finally {
    app.server.close();
  }
});

test('rejects keys that could escape the data directory', async () => {
  const { app, url } = await start();
  try {
    assert.equal((await fetch(url('/kv/..%2Fetc'))).status, 400);
    assert.equal((await fetch(url('/kv/%E0%A4%A'))).status, 400);
    assert.equal((await fetch(url('/kv/a.b'), { method: 'PUT', body: 'x' })).status, 400);
  } finally {
    app.server.close();
  }
});

test('liveness and readiness answer on different paths; readiness fails while draining', async () => {
  const { app, url } = await start();
  assert.equal((await fetch(url('/healthz'))).status, 200);
  assert.equal((await fetch(url('/readyz'))).status, 200);
  const draining = app.drain(200);
  assert.equal((await fetch(url('/readyz'), { headers: { connection: 'close' } })).status, 503);
  await draining;
});
