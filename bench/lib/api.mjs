// Request paths for the latency figures and the load test (5,000 entities `component:default/svc-<i>`).
export const ENTITIES = 5000;

const entity = i => `/entities/component/default/svc-${i}`;

/** Entities spread over the whole table, so no single row stays hot in a cache. */
export function entityPaths(n = 500) {
  return Array.from({ length: n }, (_, k) => entity((k * 7919) % ENTITIES));
}

const q = params => `/overview?${new URLSearchParams(params)}`;

/** The overview as the page asks for it: filtered, sorted, one page of rows. */
export const OVERVIEW_PATHS = [
  q({ sort: 'overall', order: 'asc', limit: '50' }),
  q({ lifecycle: 'production', sort: 'security', order: 'asc', limit: '50' }),
  q({
    owner: 'group:default/team-7,group:default/team-8',
    sort: 'overall',
    order: 'desc',
    limit: '50',
  }),
  q({ grade: 'C,D,F', sort: 'name', limit: '50', offset: '100' }),
  q({ q: 'svc-1', sort: 'scalability', order: 'desc', limit: '50' }),
  q({
    cluster: 'cluster-1',
    level: 'None,Bronze',
    sort: 'grade',
    limit: '100',
  }),
];

/** The load test's mix, weighted roughly like a busy portal: mostly entity pages and the overview. */
export function mixedPaths() {
  const out = [];
  for (let k = 0; k < 200; k++) {
    const i = (k * 7919) % ENTITIES;
    out.push(entity(i));
    out.push(`${entity(i)}/history`);
    out.push(OVERVIEW_PATHS[k % OVERVIEW_PATHS.length]);
    if (k % 4 === 0) out.push(entity((i + 1) % ENTITIES));
    if (k % 10 === 0)
      out.push(
        `/overview.csv?${new URLSearchParams({
          owner: `group:default/team-${k % 40}`,
        })}`,
      );
    if (k % 10 === 5) out.push('/checks');
    if (k % 10 === 7) out.push('/clusters');
  }
  return out;
}
