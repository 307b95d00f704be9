import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import useAsync from 'react-use/esm/useAsync';
import { postureApiRef } from '../../api';

/** Owner and system filters hold full entity refs, as the backend stores them. */
export function toFullRef(value: string, defaultKind: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(value.trim(), { defaultKind, defaultNamespace: 'default' })).toLocaleLowerCase('en-US');
  } catch {
    return value.trim();
  }
}

export interface FilterOptions {
  owner: string[];
  system: string[];
  lifecycle: string[];
  kind: string[];
  cluster: string[];
}

const EMPTY: FilterOptions = { owner: [], system: [], lifecycle: [], kind: ['component', 'resource'], cluster: [] };

/**
 * Suggestions for the filter fields, from catalog facets and the cluster list.
 * Best effort: without them the fields still accept typed values.
 */
export function useFilterOptions(): FilterOptions {
  const catalogApi = useApi(catalogApiRef);
  const postureApi = useApi(postureApiRef);
  const { value } = useAsync(async () => {
    const [facets, clusters] = await Promise.all([
      catalogApi
        .getEntityFacets({
          filter: { kind: ['component', 'resource'] },
          facets: ['spec.owner', 'spec.system', 'spec.lifecycle', 'kind'],
        })
        .then(r => r.facets)
        .catch(() => ({}) as Record<string, { value: string }[]>),
      // listing clusters needs its own permission; without it the field is free text
      postureApi.listClusters().catch(() => []),
    ]);
    const values = (key: string) => (facets[key] ?? []).map(f => f.value);
    const uniqSorted = (xs: string[]) => [...new Set(xs)].sort();
    return {
      owner: uniqSorted(values('spec.owner').map(v => toFullRef(v, 'group'))),
      system: uniqSorted(values('spec.system').map(v => toFullRef(v, 'system'))),
      lifecycle: uniqSorted(values('spec.lifecycle')),
      kind: uniqSorted([...EMPTY.kind, ...values('kind').map(k => k.toLocaleLowerCase('en-US'))]),
      cluster: uniqSorted(clusters.map(c => c.name)),
    };
  }, [catalogApi, postureApi]);
  return value ?? EMPTY;
}
