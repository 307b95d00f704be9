import { inert } from './inert';

/**
 * Limits on what the action writes to the task log and puts in its failure message. Both are kept
 * by the scaffolder (the log one row per call, the message in the task's state) and read by a
 * person: listing every failing check of thousands of workloads made 60,000 log calls and a 10 MB
 * message that helped no one. So each list holds the first MAX_LISTED items (the most severe,
 * where there is a severity), then one "… and N more" line; the count is given in full.
 */
export const MAX_LISTED = 20;

/**
 * Longest listed item, in characters before escaping. A Kubernetes name is at most 253 characters
 * and a check's message a line, so this cuts only what a hand-written manifest made huge.
 */
export const MAX_ITEM_CHARS = 500;

/** `s` cut to `max` characters, with an ellipsis, never between the two halves of a surrogate pair. */
export function clip(s: string, max = MAX_ITEM_CHARS): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/**
 * The lines listing `items`, each `indent` + the inert, clipped text of `text(item)`: at most
 * MAX_LISTED of them, then one line saying how many more there are. `text` is called only for the
 * items listed.
 */
export function listLines<T>(items: readonly T[], text: (item: T) => string, indent = '  '): string[] {
  const lines = items.slice(0, MAX_LISTED).map(item => `${indent}${inert(clip(text(item)))}`);
  if (items.length > MAX_LISTED) lines.push(`  … and ${items.length - MAX_LISTED} more`);
  return lines;
}
