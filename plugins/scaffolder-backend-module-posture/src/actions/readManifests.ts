import path from 'node:path';
import { ManifestInput, readManifestTree } from '@posture-dev/backstage-plugin-posture-node';
import { listLines } from './bounded';

/** Files the scaffolder renders next to the manifests that are not Kubernetes objects. */
const NOT_MANIFESTS = /(^|\/)(catalog-info\.ya?ml|package(-lock)?\.json|tsconfig\.json|\.github\/.*|template\.ya?ml)$/;

/**
 * Every manifest under `dir`, with paths relative to `root` for readable
 * messages, read by the shared manifest reader (the CLI's limits, UTF-8 and
 * symlink rules). A file it cannot read fails the action: a gate does not
 * pass what it could not judge.
 */
export async function readManifests(dir: string, root: string): Promise<ManifestInput[]> {
  const label = path.relative(root, dir).split(path.sep).join('/') || '.';
  const rel = path.relative(root, dir);
  // only a first segment that is exactly `..` leaves the workspace: `..data` is a folder inside it
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) throw new Error(`${label} is outside the workspace`);
  const read = await readManifestTree([{ abs: dir, label: rel }], {
    exclude: file => NOT_MANIFESTS.test(file),
  }).catch(e => {
    throw new Error(`${label}: ${(e as Error).message}`);
  });
  if (read.problems.length > 0) {
    // the count, then at most MAX_LISTED files: a workspace of thousands of unreadable files gives a short message
    throw new Error(
      [`Manifests cannot be read: ${read.problems.length} file(s)`, ...listLines(read.problems, p => `${p.file}: ${p.message}`)].join('\n'),
    );
  }
  return read.inputs
    .map(i => ({ file: i.file.split(path.sep).join('/'), text: i.text }))
    .sort((a, b) => a.file.localeCompare(b.file));
}
