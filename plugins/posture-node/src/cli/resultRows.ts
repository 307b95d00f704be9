import { CheckResult, Evidence, ObjectRef } from '@posture-dev/backstage-plugin-posture-common';
import { TextOut } from './jsonStream';

const str = (v: unknown): v is string => typeof v === 'string';
const optStr = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';
const optIndex = (v: unknown): v is number | undefined => v === undefined || Number.isSafeInteger(v);
const isPlainRef = (o: ObjectRef | undefined): o is ObjectRef =>
  o !== undefined && str(o.apiVersion) && str(o.kind) && optStr(o.namespace) && str(o.name);

function subjectJson(s: ObjectRef): string {
  const q = JSON.stringify;
  return s.namespace === undefined
    ? `{"apiVersion":${q(s.apiVersion)},"kind":${q(s.kind)},"name":${q(s.name)}}`
    : `{"apiVersion":${q(s.apiVersion)},"kind":${q(s.kind)},"namespace":${q(s.namespace)},"name":${q(s.name)}}`;
}

/** A row's text up to its message: the same for every result of one check with one status. */
interface Head {
  status: string;
  severity: string;
  pillar: string;
  text: string;
}

/** A row's text from its subject to its evidence: the same for every result about one object. */
interface Tail {
  file: string | undefined;
  documentIndex: number | undefined;
  line: number | undefined;
  text: string;
}

/** Heads kept at most: check ids come from the catalog, but a caller could pass anything. */
const MAX_HEADS = 10_000;

/**
 * Writes results as the report's JSON rows: each row is `JSON.stringify` of the result's report form
 * (`slow`), written field by field. A large scan writes 600k rows, mostly of a few dozen checks about
 * a few thousand objects, so the text before the message (check, status, severity, pillar) and after
 * it (subject, file, line) is made once and reused; only the message and any evidence are new. A
 * result the fast path does not expect (a field of another type, an exemption) is written by `slow`,
 * so the bytes are the same either way. Nothing is escaped here beyond what JSON.stringify escapes.
 */
export class ResultRows {
  private readonly heads = new Map<string, Head[]>();
  private headCount = 0;
  private readonly tails = new Map<ObjectRef, Tail>();

  constructor(private readonly slow: (r: CheckResult, line: number | undefined) => string) {}

  write(r: CheckResult, line: number | undefined, out: TextOut): void {
    if (
      !str(r.checkId) || !str(r.status) || !str(r.severity) || !str(r.pillar) || !str(r.message) ||
      !isPlainRef(r.subject) || !optStr(r.file) || !optIndex(r.documentIndex) || !optIndex(line) ||
      !Array.isArray(r.evidence) || r.exemption !== undefined
    ) {
      out.write(this.slow(r, line));
      return;
    }
    const evidence = r.evidence.length === 0 ? '' : evidenceJson(r.evidence);
    if (evidence === undefined) {
      out.write(this.slow(r, line));
      return;
    }
    out.write(this.head(r));
    out.write(JSON.stringify(r.message));
    out.write(this.tail(r, line));
    if (evidence !== '') out.write(evidence);
    out.write(']}');
  }

  /** `{"checkId":…,"status":…,"severity":…,"pillar":…,"message":` */
  private head(r: CheckResult): string {
    let list = this.heads.get(r.checkId);
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const h = list[i];
        if (h.status === r.status && h.severity === r.severity && h.pillar === r.pillar) return h.text;
      }
    }
    const q = JSON.stringify;
    const text = `{"checkId":${q(r.checkId)},"status":${q(r.status)},"severity":${q(r.severity)},"pillar":${q(r.pillar)},"message":`;
    if (this.headCount < MAX_HEADS) {
      if (!list) this.heads.set(r.checkId, (list = []));
      list.push({ status: r.status, severity: r.severity, pillar: r.pillar, text });
      this.headCount++;
    }
    return text;
  }

  /** `,"subject":{…},"file":…,"documentIndex":…,"line":…,"evidence":[` (file, index and line when set) */
  private tail(r: CheckResult, line: number | undefined): string {
    const cached = this.tails.get(r.subject);
    if (cached && cached.file === r.file && cached.documentIndex === r.documentIndex && cached.line === line) {
      return cached.text;
    }
    const text = `,"subject":${subjectJson(r.subject)}${r.file !== undefined ? `,"file":${JSON.stringify(r.file)}` : ''}${
      r.documentIndex !== undefined ? `,"documentIndex":${r.documentIndex}` : ''
    }${line !== undefined ? `,"line":${line}` : ''},"evidence":[`;
    this.tails.set(r.subject, { file: r.file, documentIndex: r.documentIndex, line, text });
    return text;
  }
}

/** The evidence array's insides, or undefined when an item is not of the expected form. */
function evidenceJson(items: Evidence[]): string | undefined {
  const q = JSON.stringify;
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const e = items[i];
    if (!e || !str(e.path) || !optStr(e.value) || !optStr(e.container) || !optStr(e.detail)) return undefined;
    if (e.object !== undefined && !isPlainRef(e.object)) return undefined;
    text += `${i > 0 ? ',' : ''}{"path":${q(e.path)}${e.value !== undefined ? `,"value":${q(e.value)}` : ''}${
      e.container !== undefined ? `,"container":${q(e.container)}` : ''
    }${e.detail !== undefined ? `,"detail":${q(e.detail)}` : ''}${e.object !== undefined ? `,"object":${subjectJson(e.object)}` : ''}}`;
  }
  return text;
}
