/**
 * Continue tokens in the API server's own format: base64 of
 * `{"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<next key>"}`.
 * rv -1 marks the "inconsistent" token a 410 answer hands out, which
 * continues from the latest state instead of a snapshot.
 */

export interface ContinueToken {
  rv: number;
  start: string;
}

export class InvalidContinueError extends Error {}

const VERSION = 'meta.k8s.io/v1';

export function encodeContinue(rv: number, lastKey: string): string {
  // "\0" after the last key: the next list starts strictly after it
  return Buffer.from(
    JSON.stringify({ v: VERSION, rv, start: `${lastKey}\u0000` }),
  ).toString('base64');
}

export function decodeContinue(token: string): ContinueToken {
  let parsed: any;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw new InvalidContinueError(
      'continue key is not valid: illegal base64 data or JSON',
    );
  }
  if (parsed?.v !== VERSION) {
    throw new InvalidContinueError(
      `continue key is not valid: server does not recognize this encoded key`,
    );
  }
  if (
    typeof parsed.rv !== 'number' ||
    typeof parsed.start !== 'string' ||
    parsed.rv === 0
  ) {
    throw new InvalidContinueError(
      'continue key is not valid: incorrect encoded start resourceVersion',
    );
  }
  return { rv: parsed.rv, start: parsed.start };
}
