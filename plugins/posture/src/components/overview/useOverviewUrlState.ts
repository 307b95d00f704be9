import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  ListFilter,
  OverviewUrlState,
  parseOverviewParams,
  writeOverviewParams,
} from '../../lib/overviewQuery';

/**
 * The overview's filters, sort and page, read from and written to the URL's
 * search params: the URL is the single source of truth, so a view can be shared
 * and the back button works.
 */
export function useOverviewUrlState() {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseOverviewParams(params), [params]);

  const update = useCallback(
    (change: (s: OverviewUrlState) => OverviewUrlState, options?: { replace?: boolean }) => {
      setParams(prev => writeOverviewParams(change(parseOverviewParams(prev))), options);
    },
    [setParams],
  );

  // any change to what is filtered starts again from the first page
  const setFilter = useCallback(
    (key: ListFilter, values: string[]) =>
      update(s => ({ ...s, filters: { ...s.filters, [key]: values }, page: 0 })),
    [update],
  );
  const setText = useCallback(
    (q: string) => update(s => ({ ...s, q, page: 0 }), { replace: true }),
    [update],
  );

  return { state, update, setFilter, setText };
}
