import { createApp } from './app';

const port = Number(process.env.PORT ?? ${{ values.port }});
// how long endpoints take to notice the pod is not ready any more
const drainDelayMs = Number(process.env.DRAIN_DELAY_MS ?? 5_000);

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...extra }));

const app = createApp();
app.server.listen(port, () => log('listening', { port }));

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
