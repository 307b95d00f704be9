import { csvCell, overviewCsv } from './csv';

/** Splits a line the way a spreadsheet in a locale with `sep` as list separator may, ignoring quotes. */
const naiveCells = (line: string, sep: string) => line.split(sep).map(c => c.replace(/^"/, ''));
const FORMULA = /^\s*[=+\-@\t\r]/;

describe('CSV export', () => {
  it('quotes every cell, empty ones included', () => {
    expect(csvCell('web')).toBe('"web"');
    expect(csvCell(42)).toBe('"42"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(['a', 'b'])).toBe('"a b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });

  it.each([
    ['=1+1', `"'=1+1"`],
    ['+1', `"'+1"`],
    ['-1', `"'-1"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\t=1', `"'\t'=1"`],
    ['production;=1+1', `"production;'=1+1"`],
    ['production,=1+1', `"production,'=1+1"`],
    ['a|@cmd', `"a|'@cmd"`],
    ['a; =HYPERLINK("x")', `"a; '=HYPERLINK(""x"")"`],
    ['line\n=1', `"line\n'=1"`],
    ['a\r\n+1', `"a\r\n'+1"`],
  ])('neutralises a formula start in %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('leaves values without a formula start as they are, inside quotes', () => {
    for (const v of ['payments-api', 'group:default/team-a', '2025-01-01T00:00:00.000Z', 'a = b', 'x;y']) {
      expect(csvCell(v)).toBe(`"${v}"`);
    }
  });

  it('no cell of a hostile row reads as a formula under any list separator', () => {
    const hostile = 'production;=1+1,@x|-2\t+3\n=4';
    const csv = overviewCsv([
      {
        entityRef: 'component:default/x',
        kind: 'Component',
        namespace: 'default',
        name: 'x',
        title: hostile,
        owner: hostile,
        system: `=${hostile}`,
        lifecycle: hostile,
        clusters: [hostile, '-c'],
        state: 'scored',
        scalability: 100,
        security: null,
        overall: 50,
        grade: 'C',
        level: 'None',
        pssLevel: null,
        lastChangedAt: null,
      },
    ]);
    for (const sep of [',', ';', '\t', '|']) {
      for (const line of csv.split(/\r?\n/)) {
        for (const cell of naiveCells(line, sep)) expect({ sep, cell, formula: FORMULA.test(cell) }).toEqual({ sep, cell, formula: false });
      }
    }
    // the header is quoted too
    expect(csv.startsWith('"entityRef","name",')).toBe(true);
  });
});
