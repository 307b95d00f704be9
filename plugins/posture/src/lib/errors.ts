import { ResponseError } from '@backstage/errors';

/** The HTTP status of a failed request, when the error carries one. */
export function statusOf(error: unknown): number | undefined {
  if (ResponseError.is(error)) return error.statusCode;
  // errors rebuilt by other layers keep the status without the class
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

export const isForbidden = (error: unknown) => statusOf(error) === 403;
export const isNotFound = (error: unknown) => statusOf(error) === 404;

/** Anything thrown becomes an Error so the error panels can show it. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** What the server said went wrong (a Backstage error body's message), else the error's own message. */
export function serverMessage(error: unknown): string {
  if (ResponseError.is(error) && error.body?.error?.message) return error.body.error.message;
  return asError(error).message;
}
