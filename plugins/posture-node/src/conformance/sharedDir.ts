import fs from 'node:fs';
import path from 'node:path';

/**
 * The read-only `shared/` folder that sits beside the repository on CI and
 * development machines (upstream conformance fixtures and a real-world
 * corpus). Product code never uses it; tests that do skip when it is absent.
 */
export function sharedDir(...segments: string[]): string | undefined {
  const base =
    process.env.POSTURE_SHARED_DIR ?? path.resolve(__dirname, '../../../../../shared');
  // bounded-spread: the caller's own arguments
  const dir = path.join(base, ...segments);
  return fs.existsSync(dir) ? dir : undefined;
}

/** `describe` when the folder exists, otherwise a skipped block that says why. */
export function describeWithShared(
  name: string,
  segments: string[],
  fn: (dir: string) => void,
): void {
  // bounded-spread: a literal list of folder names in a test
  const dir = sharedDir(...segments);
  if (!dir) {
    // eslint-disable-next-line no-console
    // bounded-spread: the same literal list
    console.log(`[skip] ${name}: ${path.join('shared', ...segments)} not found (set POSTURE_SHARED_DIR)`);
    describe.skip(name, () => it('needs the shared folder', () => {}));
    return;
  }
  describe(name, () => fn(dir));
}
