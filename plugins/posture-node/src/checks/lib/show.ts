/** Renders a value for evidence; strings as-is, everything else as JSON. */
export function show(v: unknown): string {
  if (v === undefined) return '(unset)';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    // a cycle or a BigInt; String() itself throws for an object without a prototype
    try {
      return String(v);
    } catch {
      return '(unreadable value)';
    }
  }
}
