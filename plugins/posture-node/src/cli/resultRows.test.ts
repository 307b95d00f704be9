import fc from 'fast-check';
import { CheckResult, ObjectRef } from '@posture-dev/backstage-plugin-posture-common';
import { ResultRows } from './resultRows';

/** The report row of a result as the report builds it (see report.ts's resultOf): the reference. */
function reference(r: CheckResult, line: number | undefined): string {
  return JSON.stringify({
    checkId: r.checkId,
    status: r.status,
    severity: r.severity,
    pillar: r.pillar,
    message: r.message,
    subject: { apiVersion: r.subject.apiVersion, kind: r.subject.kind, namespace: r.subject.namespace, name: r.subject.name },
    file: r.file,
    documentIndex: r.documentIndex,
    line,
    evidence: r.evidence.map(e => ({
      path: e.path,
      value: e.value,
      container: e.container,
      detail: e.detail,
      object: e.object && { apiVersion: e.object.apiVersion, kind: e.object.kind, namespace: e.object.namespace, name: e.object.name },
    })),
  });
}

function rowOf(rows: ResultRows, r: CheckResult, line: number | undefined): string {
  let text = '';
  rows.write(r, line, { write: s => (text += s) });
  return text;
}

const word = fc.constantFrom('a', 'b', 'pass', 'fail', 'x"y', 'é\u2028', '\\');
const ref = fc.record(
  { apiVersion: word, kind: word, namespace: word, name: word },
  { requiredKeys: ['apiVersion', 'kind', 'name'] },
);

describe('ResultRows', () => {
  it('writes JSON.stringify of the report row, with its texts reused across many rows', () => {
    fc.assert(
      fc.property(
        // few subjects, shared by identity as the engine shares them, with changing files and lines
        fc.array(ref, { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.record({
            checkId: word,
            status: word,
            severity: word,
            pillar: word,
            message: fc.string(),
            subject: fc.nat(2),
            file: fc.option(word, { nil: undefined }),
            documentIndex: fc.option(fc.nat(3), { nil: undefined }),
            line: fc.option(fc.nat(3), { nil: undefined }),
            evidence: fc.array(
              fc.record(
                { path: word, value: fc.string(), container: word, detail: word, object: ref },
                { requiredKeys: ['path'] },
              ),
              { maxLength: 2 },
            ),
          }),
          { maxLength: 40 },
        ),
        (subjects, items) => {
          const rows = new ResultRows(() => {
            throw new Error('slow path taken');
          });
          for (const { subject, line, ...rest } of items) {
            const r = { ...rest, subject: subjects[subject % subjects.length] } as unknown as CheckResult;
            expect(rowOf(rows, r, line)).toBe(reference(r, line));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands what it does not expect to the slow path', () => {
    const subject: ObjectRef = { apiVersion: 'v1', kind: 'Pod', name: 'p' };
    const base: CheckResult = { checkId: 'c', status: 'fail', severity: 'high', pillar: 'security', message: 'm', subject, evidence: [] };
    const rows = new ResultRows(() => 'SLOW');
    expect(rowOf(rows, base, 1)).toBe(reference(base, 1));
    for (const r of [
      { ...base, exemption: { reason: 'r', source: 'annotation' } },
      { ...base, message: 42 },
      { ...base, documentIndex: 1.5 },
      { ...base, evidence: [{ path: 'a', value: { k: 1 } }] },
      { ...base, evidence: [null] },
      { ...base, subject: { ...subject, name: undefined } },
    ]) {
      expect(rowOf(rows, r as unknown as CheckResult, 1)).toBe('SLOW');
    }
    expect(rowOf(rows, base, 1.5)).toBe('SLOW');
  });
});
