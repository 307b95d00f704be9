import fs from 'node:fs/promises';
import path from 'node:path';
import { K8sObject, ObjectOrigin, parseManifests } from '@posture-dev/backstage-plugin-posture-node';
import { ManifestsClusterConfig } from '../config';
import { ClusterSource, CollectedSnapshot, countByKind } from './types';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

async function listFiles(dir: string, signal: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    signal.throwIfAborted();
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && MANIFEST_FILE.test(e.name)) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * A directory of YAML (a GitOps checkout, or the demo) treated as a cluster.
 * Objects keep their manifest shape: no server defaults are filled in.
 */
export class ManifestsClusterSource implements ClusterSource {
  readonly type = 'manifests' as const;
  readonly name: string;
  readonly timeoutMs = 60_000;
  private readonly dir: string;

  constructor(config: ManifestsClusterConfig, baseDir = process.cwd()) {
    this.name = config.name;
    this.dir = path.resolve(baseDir, config.path);
  }

  async collect(signal: AbortSignal): Promise<CollectedSnapshot> {
    const stat = await fs.stat(this.dir).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`manifests directory ${this.dir} does not exist`);
    const objects: K8sObject[] = [];
    const origins: ObjectOrigin[] = [];
    const warnings: string[] = [];
    for (const file of await listFiles(this.dir, signal)) {
      const rel = path.relative(this.dir, file);
      const parsed = parseManifests(await fs.readFile(file, 'utf8'), rel);
      parsed.errors.forEach(e => warnings.push(`${rel}: ${e.message}`));
      parsed.objects.forEach((o, i) => {
        // Secrets are never read, whatever the source
        if (o.kind === 'Secret') return;
        objects.push(o);
        origins.push(parsed.origins[i]);
      });
    }
    return {
      cluster: this.name,
      mode: 'manifest',
      objects,
      origins,
      objectCounts: countByKind(objects),
      warnings,
    };
  }
}
