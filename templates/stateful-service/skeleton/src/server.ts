import os from 'node:os';
import { createApp } from './app';
import { FileStore } from './store';

const port = Number(process.env.PORT ?? ${{ values.port }});
const dataDir = process.env.DATA_DIR ?? '/data';
// the StatefulSet pod name: stable per replica, and resolvable by peers as <name>.${{ values.name }}-headless
const identity = process.env.POD_NAME ?? os.hostname();
const drainDelayMs = Number(process.env.DRAIN_DELAY_MS ?? 5_000);

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...extra }));

async function main() {
  const store = new FileStore(dataDir);
  await store.init();
  const app = createApp(store, identity);
  app.server.listen(port, () => log('listening', { port, dataDir, identity }));

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    log('SIGTERM: draining', { drainDelayMs });
    app.drain(drainDelayMs).then(
      () => process.exit(0),
      err => {
        log('shutdown failed', { error: String(err) });
        process.exit(1);
      },
    );
  });
}

main().catch(err => {
  log('failed to start', { error: String(err) });
  process.exit(1);
});
