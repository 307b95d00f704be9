import fs from 'node:fs';
import amqp from 'amqplib';
import { startConsumer } from './consumer';
import { handle } from './handler';
import { createHttpServer } from './http';

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...extra }));

const port = Number(process.env.PORT ?? ${{ values.port }});
const queue = process.env.QUEUE_NAME ?? '${{ values.queueName }}';
const prefetch = Number(process.env.PREFETCH ?? 10);
// the broker URL holds a password, so it comes from a mounted Secret file, never from an environment variable
const brokerUrlFile = process.env.BROKER_URL_FILE ?? '/var/run/secrets/broker/url';

let stopping = false;

async function main() {
  const url = fs.readFileSync(brokerUrlFile, 'utf8').trim();
  const connection = await amqp.connect(url);
  // a broker restart or network loss ends the process; Kubernetes restarts it with a clean connection
  connection.on('error', err => log('broker connection error', { error: String(err) }));
  connection.on('close', () => {
    if (!stopping) {
      log('broker connection closed');
      process.exit(1);
    }
  });
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(queue, { durable: true });
  const consumer = await startConsumer(channel, queue, handle, { prefetch });

  const server = createHttpServer({
    ready: () => consumer.consuming,
    enqueue: body =>
      new Promise((resolve, reject) =>
        channel.sendToQueue(queue, body, { persistent: true, contentType: 'application/json' }, err =>
          err ? reject(err) : resolve(),
        ),
      ),
  });
  server.listen(port, () => log('listening', { port, queue, prefetch }));

  process.on('SIGTERM', async () => {
    if (stopping) return;
    stopping = true;
    log('SIGTERM: finishing in-flight messages', { inFlight: consumer.inFlight });
    server.close();
    await consumer.stop();
    await channel.close();
    await connection.close();
    process.exit(0);
  });
}

main().catch(err => {
  log('failed to start', { error: String(err) });
  process.exit(1);
});
