/** The part of an AMQP channel the worker uses (amqplib's Channel fits), so tests can pass a fake. */
export interface Message {
  content: Buffer;
  fields: { redelivered: boolean };
}
export interface Channel {
  prefetch(count: number): Promise<unknown>;
  consume(
    queue: string,
    onMessage: (msg: Message | null) => void,
    options: { noAck: false },
  ): Promise<{ consumerTag: string }>;
  cancel(consumerTag: string): Promise<unknown>;
  ack(msg: Message): void;
  nack(msg: Message, allUpTo: boolean, requeue: boolean): void;
}

export interface Consumer {
  /** true while messages are being taken from the queue */
  readonly consuming: boolean;
  /** messages being handled right now */
  readonly inFlight: number;
  /** Stop taking messages and wait for the ones in hand to finish. */
  stop(): Promise<void>;
}

export async function startConsumer(
  channel: Channel,
  queue: string,
  handle: (body: Buffer) => Promise<void>,
  options: { prefetch: number },
): Promise<Consumer> {
  let inFlight = 0;
  let consuming = false;
  let idle: (() => void) | undefined;

  // the broker sends at most `prefetch` unacknowledged messages, which bounds memory and in-flight work per pod
  await channel.prefetch(options.prefetch);
  const { consumerTag } = await channel.consume(
    queue,
    msg => {
      if (msg === null) {
        // the broker cancelled the consumer (e.g. the queue was deleted): stop being ready
        consuming = false;
        return;
      }
      inFlight++;
      handle(msg.content).then(
        () => channel.ack(msg),
        err => {
          console.error(JSON.stringify({ msg: 'handler failed', error: String(err), redelivered: msg.fields.redelivered }));
          // retry once, then give up so one poison message cannot block the queue
          channel.nack(msg, false, !msg.fields.redelivered);
        },
      ).finally(() => {
        inFlight--;
        if (inFlight === 0) idle?.();
      });
    },
    { noAck: false },
  );
  consuming = true;

  return {
    get consuming() {
      return consuming;
    },
    get inFlight() {
      return inFlight;
    },
    async stop() {
      if (consuming) {
        consuming = false;
        await channel.cancel(consumerTag);
      }
      if (inFlight > 0) await new Promise<void>(resolve => (idle = resolve));
    },
  };
}
