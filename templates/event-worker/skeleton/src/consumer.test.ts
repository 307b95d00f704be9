import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Channel, Message, startConsumer } from './consumer';

function fakeChannel() {
  const acked: string[] = [];
  const nacked: { body: string; requeue: boolean }[] = [];
  let deliver: (msg: Message | null) => void = () => {};
  let cancelled = false;
  const channel: Channel = {
    prefetch: async () => undefined,
    consume: async (_queue, onMessage) => {
      deliver = onMessage;
      return { consumerTag: 'tag-1' };
    },
    cancel: async () => {
      cancelled = true;
    },
    ack: msg => acked.push(msg.content.toString()),
    nack: (msg, _all, requeue) => nacked.push({ body: msg.content.toString(), requeue }),
  };
  const send = (body: string, redelivered = false) => deliver({ content: Buffer.from(body), fields: { redelivered } });
  return { channel, acked, nacked, send, isCancelled: () => cancelled };
}

const tick = () => new Promise(resolve => setImmediate(resolve));

test('acknowledges handled messages', async () => {
  const f = fakeChannel();
  const consumer = await startConsumer(f.channel, 'q', async () => {}, { prefetch: 5 });
  assert.equal(consumer.consuming, true);
  f.send('{"type":"a"}');
  await tick();
  assert.deepEqual(f.acked, ['{"type":"a"}']);
});

test('retries a failed message once, then gives up on it', async () => {
  const f = fakeChannel();
  await startConsumer(f.channel, 'q', async () => { throw new Error('boom'); }, { prefetch: 5 });
  f.send('x');
  f.send('x', true);
  await tick();
  assert.deepEqual(f.nacked, [
    { body: 'x', requeue: true },
    { body: 'x', requeue: false },
  ]);
});

test('stop cancels the consumer and waits for messages in hand', async () => {
  const f = fakeChannel();
  let release = () => {};
  const consumer = await startConsumer(f.channel, 'q', () => new Promise<void>(r => (release = r)), { prefetch: 5 });
  f.send('slow');
  let stopped = false;
  const stopping = consumer.stop().then(() => (stopped = true));
  await tick();
  assert.equal(f.isCancelled(), true);
  assert.equal(consumer.consuming, false);
  assert.equal(stopped, false);
  release();
  await stopping;
  assert.deepEqual(f.acked, ['slow']);
});
