import { OverviewRow } from '@posture-dev/backstage-plugin-posture-common';
import { mockPostureApi, overviewResponse, overviewRow } from '../testUtils/fixtures';
import { OVERVIEW_PAGE_SIZE, PostureGradeLoader } from './gradeLoader';

const ref = (name: string, kind = 'Component') => ({ kind, namespace: 'default', name });

describe('PostureGradeLoader', () => {
  it('answers every load of one tick with a single overview request', async () => {
    const api = mockPostureApi();
    const loader = new PostureGradeLoader(api);
    const [checkout, cart, gone] = await Promise.all([
      loader.load(ref('checkout')),
      loader.load(ref('cart')),
      loader.load(ref('not-scored')),
    ]);
    expect(api.getOverview).toHaveBeenCalledTimes(1);
    expect(api.getOverview).toHaveBeenCalledWith({ kind: ['component'], sort: 'name', limit: OVERVIEW_PAGE_SIZE, offset: 0 });
    expect(checkout?.grade).toBe('C');
    expect(cart?.grade).toBe('A');
    expect(gone).toBeNull();
  });

  it('asks for every kind of the batch in the same request, matching refs case-insensitively', async () => {
    const db = overviewRow({ name: 'orders-db', kind: 'Resource', entityRef: 'resource:default/orders-db', grade: 'B' });
    const api = mockPostureApi({ getOverview: jest.fn().mockResolvedValue(overviewResponse([db])) });
    const loader = new PostureGradeLoader(api);
    const [row] = await Promise.all([loader.load(ref('Orders-DB', 'Resource')), loader.load(ref('checkout'))]);
    expect(api.getOverview).toHaveBeenCalledTimes(1);
    expect(api.getOverview.mock.calls[0][0]?.kind).toEqual(['component', 'resource']);
    expect(row?.grade).toBe('B');
  });

  it('serves later loads from the rows it already has until they are ttl old', async () => {
    let now = 0;
    const api = mockPostureApi();
    const loader = new PostureGradeLoader(api, { ttlMs: 1000, now: () => now });
    await loader.load(ref('checkout'));
    // the table's next page: cart came with the first answer, and so did "not scored"
    expect((await loader.load(ref('cart')))?.grade).toBe('A');
    expect(await loader.load(ref('checkout-2'))).toBeNull();
    expect(api.getOverview).toHaveBeenCalledTimes(2);
    now = 1000;
    await loader.load(ref('cart'));
    expect(api.getOverview).toHaveBeenCalledTimes(3);
  });

  it('answers loads made while a request is in flight from its rows, not with a second request', async () => {
    let answer: (value: ReturnType<typeof overviewResponse>) => void = () => {};
    const getOverview = jest.fn().mockReturnValueOnce(new Promise(resolve => (answer = resolve)));
    const loader = new PostureGradeLoader(mockPostureApi({ getOverview }));
    const first = loader.load(ref('checkout'));
    await new Promise(resolve => setTimeout(resolve, 5));
    expect(getOverview).toHaveBeenCalledTimes(1);
    // the table re-renders and its cells ask again before the answer is in
    const again = [loader.load(ref('checkout')), loader.load(ref('cart'))];
    await new Promise(resolve => setTimeout(resolve, 5));
    answer(overviewResponse());
    expect((await first)?.grade).toBe('C');
    expect((await Promise.all(again)).map(r => r?.grade)).toEqual(['C', 'A']);
    expect(getOverview).toHaveBeenCalledTimes(1);
  });

  it('reads a further overview page only while a requested entity is still missing', async () => {
    const first = Array.from({ length: OVERVIEW_PAGE_SIZE }, (_, i) => overviewRow({ name: `svc-${String(i).padStart(3, '0')}` }));
    const late = overviewRow({ name: 'zz-late', grade: 'D' });
    const getOverview = jest
      .fn()
      .mockResolvedValueOnce(overviewResponse(first, OVERVIEW_PAGE_SIZE + 1))
      .mockResolvedValueOnce(overviewResponse([late], OVERVIEW_PAGE_SIZE + 1));
    const loader = new PostureGradeLoader(mockPostureApi({ getOverview }));
    const [a, z] = await Promise.all([loader.load(ref('svc-001')), loader.load(ref('zz-late'))]);
    expect(getOverview).toHaveBeenCalledTimes(2);
    expect(getOverview.mock.calls[1][0].offset).toBe(OVERVIEW_PAGE_SIZE);
    expect(a?.name).toBe('svc-001');
    expect((z as OverviewRow).grade).toBe('D');
  });

  it('rejects every waiter of a failed batch, and tries again on the next load', async () => {
    const getOverview = jest.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue(overviewResponse());
    const loader = new PostureGradeLoader(mockPostureApi({ getOverview }));
    const results = await Promise.allSettled([loader.load(ref('checkout')), loader.load(ref('cart'))]);
    expect(results.map(r => r.status)).toEqual(['rejected', 'rejected']);
    expect((await loader.load(ref('checkout')))?.grade).toBe('C');
    expect(getOverview).toHaveBeenCalledTimes(2);
  });
});
