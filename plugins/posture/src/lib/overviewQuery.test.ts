import {
  DEFAULT_PAGE_SIZE,
  hasFilters,
  parseOverviewParams,
  toFilterQuery,
  toOverviewQuery,
  writeOverviewParams,
} from './overviewQuery';

describe('overview URL state', () => {
  it('round-trips filters, sort and paging through the URL', () => {
    const params = new URLSearchParams(
      'owner=group:default/team-a&owner=group:default/team-b&grade=F&level=None&q=check&sort=security&order=desc&page=3&pageSize=50',
    );
    const state = parseOverviewParams(params);
    expect(state).toMatchObject({
      q: 'check',
      sort: 'security',
      order: 'desc',
      page: 2,
      pageSize: 50,
    });
    expect(state.filters.owner).toEqual(['group:default/team-a', 'group:default/team-b']);
    expect(writeOverviewParams(state).toString()).toBe(params.toString());
  });

  it('drops invalid values instead of sending them to the server', () => {
    const state = parseOverviewParams(
      new URLSearchParams('grade=Z&grade=A&level=Platinum&sort=colour&order=up&page=-1&pageSize=7'),
    );
    expect(state.filters.grade).toEqual(['A']);
    expect(state.filters.level).toEqual([]);
    expect(state.sort).toBeUndefined();
    expect(state.order).toBeUndefined();
    expect(state.page).toBe(0);
    expect(state.pageSize).toBe(DEFAULT_PAGE_SIZE);
  });

  it('accepts comma-separated lists like the backend', () => {
    expect(parseOverviewParams(new URLSearchParams('cluster=a,b&cluster=b')).filters.cluster).toEqual(['a', 'b']);
  });

  it('turns state into the API query, with offset from the page', () => {
    const state = parseOverviewParams(new URLSearchParams('system=system:default/shop&page=2&pageSize=10&sort=name'));
    expect(toOverviewQuery(state)).toEqual({ system: ['system:default/shop'], sort: 'name', limit: 10, offset: 10 });
    expect(toFilterQuery(state)).toEqual({ system: ['system:default/shop'], sort: 'name' });
    expect(hasFilters(state)).toBe(true);
    expect(hasFilters(parseOverviewParams(new URLSearchParams('sort=name&page=2')))).toBe(false);
  });

  it('keeps the quadrant picked on the chart, sends it as a list, and drops an unknown one', () => {
    const state = parseOverviewParams(new URLSearchParams('quadrant=at-risk&grade=F'));
    expect(state.quadrant).toBe('at-risk');
    expect(writeOverviewParams(state).toString()).toBe('grade=F&quadrant=at-risk');
    expect(toOverviewQuery(state)).toMatchObject({ quadrant: ['at-risk'], grade: ['F'] });
    expect(hasFilters(parseOverviewParams(new URLSearchParams('quadrant=balanced')))).toBe(true);
    expect(parseOverviewParams(new URLSearchParams('quadrant=top-left')).quadrant).toBeUndefined();
  });

  it('writes nothing for the defaults', () => {
    expect(writeOverviewParams(parseOverviewParams(new URLSearchParams(''))).toString()).toBe('');
  });
});
