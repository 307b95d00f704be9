import fs from 'node:fs/promises';
import path from 'node:path';
import {
  K8sObject,
  ObjectOrigin,
  ReadLimits,
  parseManifests,
  readManifestTree,
} from '@posture-dev/backstage-plugin-posture-node';
import { ManifestsClusterConfig } from '../config';
import { ClusterSource, CollectedSnapshot, countByKind } from './types';

/**
 * A directory of YAML (a GitOps checkout, or the demo) treated as a cluster.
 * Objects keep their manifest shape: no server defaults are filled in. Files
 * are read by the same reader as the CLI's, with the same limits: a file that
 * is too large, not UTF-8 or a link out of the directory is a warning, and
 * passing the total size or file count fails this cluster's run with one line.
 */
export class ManifestsClusterSource implements ClusterSource {
  readonly type = 'manifests' as const;
  readonly name: string;
  readonly timeoutMs = 60_000;
  private readonly dir: string;
  private readonly limits: Partial<ReadLimits>;

  constructor(config: ManifestsClusterConfig, baseDir = process.cwd(), limits: Partial<ReadLimits> = {}) {
    this.name = config.name;
    this.dir = path.resolve(baseDir, config.path);
    this.limits = limits;
  }

  async collect(signal: AbortSignal): Promise<CollectedSnapshot> {
    const stat = await fs.stat(this.dir).catch(() => undefined);
    if (!stat?.isDirectory()) throw new Error(`manifests directory ${this.dir} does not exist`);
    let read;
    try {
      read = await readManifestTree([{ abs: this.dir, label: '' }], { limits: this.limits, signal });
    } catch (e) {
      if (signal.aborted) throw e;
      throw new Error(`manifests directory ${this.dir}: ${(e as Error).message}`);
    }
    const objects: K8sObject[] = [];
    const origins: ObjectOrigin[] = [];
    const warnings: string[] = read.problems.map(p => `${p.file}: ${p.message}`);
    const state = { generated: 0 };
    for (const input of read.inputs) {
      signal.throwIfAborted();
      const parsed = parseManifests(input.text, input.file, { state });
      parsed.errors.forEach(e => warnings.push(`${input.file}: ${e.message}`));
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
