import { useMemo } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';

/** "group:default/team-a" → "team-a": the fallback when the catalog has no title for it. */
export function shortRef(ref: string): string {
  return ref.replace(/^[^:]+:default\//, '').replace(/^[^:]+:/, '');
}

/** The name a person knows an entity by: a group's profile display name, else its title, else its name. */
export function displayNameOf(entity: {
  metadata: { name: string; title?: string };
  spec?: Record<string, unknown>;
}): string {
  const profile = entity.spec?.profile as { displayName?: unknown } | undefined;
  if (typeof profile?.displayName === 'string' && profile.displayName.trim()) return profile.displayName.trim();
  if (typeof entity.metadata.title === 'string' && entity.metadata.title.trim()) return entity.metadata.title.trim();
  return entity.metadata.name;
}

/**
 * Display names for entity refs (owners, systems), read from the catalog in
 * one batch, so that a team reads "Payments" everywhere rather than
 * `group:default/team-payments` in one place and `team-payments` in another.
 * Refs the catalog does not know keep their short form.
 */
export function useDisplayNames(refs: readonly (string | null | undefined)[]): (ref: string) => string {
  const catalogApi = useApi(catalogApiRef);
  const key = useMemo(
    () => [...new Set(refs.filter((r): r is string => !!r).map(r => r.toLocaleLowerCase('en-US')))].sort().join('\n'),
    [refs],
  );
  const { value } = useAsync(async () => {
    const entityRefs = key ? key.split('\n') : [];
    const names = new Map<string, string>();
    if (entityRefs.length === 0) return names;
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs,
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'spec.profile.displayName'],
    });
    items.forEach((e, i) => {
      if (e) names.set(entityRefs[i], displayNameOf(e));
    });
    return names;
  }, [catalogApi, key]);
  return useMemo(
    () => (ref: string) => {
      let full = ref.toLocaleLowerCase('en-US');
      try {
        full = stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase('en-US');
      } catch {
        // not a ref: shown as typed
      }
      return value?.get(full) ?? shortRef(ref);
    },
    [value],
  );
}
