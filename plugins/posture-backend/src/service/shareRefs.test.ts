import { shareRefs } from './router';

const refs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('shareRefs', () => {
  it('names services of every owner in turns, up to the limit, and keeps the full counts', () => {
    const shared = shareRefs(
      [
        { owner: 'group:default/big', failing: 40, entityRefs: refs('big', 40) },
        { owner: 'group:default/mid', failing: 3, entityRefs: refs('mid', 3) },
        { owner: null, failing: 1, entityRefs: refs('none', 1) },
      ],
      8,
    );
    expect(shared.map(g => [g.owner, g.failing, g.entityRefs])).toEqual([
      ['group:default/big', 40, ['big-0', 'big-1', 'big-2', 'big-3']],
      ['group:default/mid', 3, ['mid-0', 'mid-1', 'mid-2']],
      [null, 1, ['none-0']],
    ]);
  });

  it('keeps everything when it fits, and stops when nothing is left to take', () => {
    const groups = [{ owner: 'group:default/a', failing: 2, entityRefs: ['a-0', 'a-1'] }];
    expect(shareRefs(groups, 50)).toEqual(groups);
    expect(shareRefs([], 50)).toEqual([]);
    expect(shareRefs(groups, 0)[0].entityRefs).toEqual([]);
  });
});
