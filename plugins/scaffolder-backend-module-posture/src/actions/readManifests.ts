import fs from 'node:fs/promises';
import path from 'node:path';
import { ManifestInput } from '@posture-dev/backstage-plugin-posture-node';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
/** Files the scaffolder renders next to the manifests that are not Kubernetes objects. */
const NOT_MANIFESTS = /(^|\/)(catalog-info\.ya?ml|package(-lock)?\.json|tsconfig\.json|\.github\/.*|template\.ya?ml)$/;

/** Every manifest under `dir`, with paths relative to `root` for readable messages. */
export async function readManifests(dir: string, root: string): Promise<ManifestInput[]> {
  const out: ManifestInput[] = [];
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = path.join(d, e.name);
      const rel = path.relative(root, p).split(path.sep).join('/');
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && MANIFEST_FILE.test(e.name) && !NOT_MANIFESTS.test(rel)) {
        out.push({ file: rel, text: await fs.readFile(p, 'utf8') });
      }
    }
  };
  const stat = await fs.stat(dir).catch(() => undefined);
  if (stat?.isFile()) return [{ file: path.relative(root, dir), text: await fs.readFile(dir, 'utf8') }];
  if (!stat?.isDirectory()) throw new Error(`${path.relative(root, dir) || '.'} does not exist in the workspace`);
  await walk(dir);
  return out.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''));
}
