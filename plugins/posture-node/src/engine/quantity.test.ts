import fc from 'fast-check';
import { parseQuantity } from './quantity';

const value = (v: unknown) => {
  const r = parseQuantity(v);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['1', 1],
    ['0', 0],
    ['2.5', 2.5],
    ['.5', 0.5],
    ['5.', 5],
    ['+3', 3],
    ['-1', -1],
    ['1k', 1000],
    ['1M', 1e6],
    ['2G', 2e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['1E', 1e18],
    ['1Ki', 1024],
    ['128Mi', 128 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['0.5Ti', 0.5 * 2 ** 40],
    ['1Pi', 2 ** 50],
    ['1Ei', 2 ** 60],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1e-3', 0.001],
    ['1.5e+2', 150],
  ])('%s = %d', (input, expected) => {
    expect(value(input)).toBeCloseTo(expected, 9);
  });

  it('accepts YAML numbers', () => {
    expect(value(1)).toBe(1);
    expect(value(0.25)).toBe(0.25);
  });

  it.each([
    [''],
    ['abc'],
    ['1.5.5'],
    ['1KiB'],
    ['1 Gi'],
    [' 1Gi'],
    ['1gi'],
    ['1e'],
    ['1K'],
    ['Gi'],
    ['1mi'],
    ['1e1.5'],
    ['--1'],
    ['0x10'],
  ])('rejects %j with a readable message', input => {
    const r = parseQuantity(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(`"${input}"`);
  });

  it.each([
    [null],
    [undefined],
    [true],
    [{}],
    [[]],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
  ])('rejects the non-quantity %p without throwing', input => {
    const r = parseQuantity(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
  });

  it('rejects values that overflow', () => {
    expect(parseQuantity('1e400').ok).toBe(false);
  });

  it('agrees with a reference computation for generated binary quantities', () => {
    const suffixes = ['Ki', 'Mi', 'Gi', 'Ti'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100000 }),
        fc.integer({ min: 0, max: 99 }),
        fc.constantFrom(...suffixes),
        (whole, frac, suffix) => {
          const text = `${whole}.${String(frac).padStart(2, '0')}${suffix}`;
          const power = { Ki: 10, Mi: 20, Gi: 30, Ti: 40 }[suffix];
          const expected = (whole + frac / 100) * 2 ** power;
          return Math.abs(value(text) - expected) <= expected * 1e-12;
        },
      ),
    );
  });

  it('orders milli-cores and cores consistently', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), m => {
        return Math.abs(value(`${m}m`) - value(String(m / 1000))) < 1e-9;
      }),
    );
  });
});
