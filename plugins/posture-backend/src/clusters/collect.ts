import { ClusterSource, CollectedSnapshot } from './types';

export type CollectionOutcome =
  | { cluster: string; ok: true; snapshot: CollectedSnapshot; durationMs: number }
  | { cluster: string; ok: false; error: string; durationMs: number };

/** Collects every cluster concurrently, each under its own time limit. */
export async function collectAll(sources: ClusterSource[]): Promise<CollectionOutcome[]> {
  return Promise.all(
    sources.map(async source => {
      const started = Date.now();
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error(`timed out after ${Math.round(source.timeoutMs / 1000)}s`));
        }, source.timeoutMs);
      });
      try {
        const snapshot = await Promise.race([source.collect(controller.signal), timeout]);
        return { cluster: source.name, ok: true as const, snapshot, durationMs: Date.now() - started };
      } catch (e) {
        return {
          cluster: source.name,
          ok: false as const,
          error: e instanceof Error ? e.message : String(e),
          durationMs: Date.now() - started,
        };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
