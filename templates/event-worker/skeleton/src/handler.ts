/**
 * The work: called once per message. Throw to reject the message; it is retried once, then dead-lettered (if the
 * queue has a dead-letter exchange) or dropped. Handle the same message twice safely: delivery is at least once.
 */
export async function handle(body: Buffer): Promise<void> {
  const event = JSON.parse(body.toString('utf8'));
  console.log(JSON.stringify({ time: new Date().toISOString(), msg: 'handled', type: event?.type ?? null }));
}
