/**
 * The string forms of label and field selectors as the API server parses
 * them from `?labelSelector=` and `?fieldSelector=` (k8s.io/apimachinery
 * pkg/labels and pkg/fields).
 */

export class SelectorParseError extends Error {}

export type LabelOperator =
  | 'exists'
  | '!'
  | '='
  | '=='
  | '!='
  | 'in'
  | 'notin'
  | 'gt'
  | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

type Token =
  | { t: 'id'; v: string }
  | { t: 'op'; v: '!' | '=' | '==' | '!=' | '>' | '<' }
  | { t: '(' | ')' | ',' };

const SPECIAL = new Set([
  ' ',
  '\t',
  '\n',
  '\r',
  ',',
  '=',
  '!',
  '(',
  ')',
  '<',
  '>',
]);

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c });
      i++;
    } else if (c === '=') {
      if (s[i + 1] === '=') {
        out.push({ t: 'op', v: '==' });
        i += 2;
      } else {
        out.push({ t: 'op', v: '=' });
        i++;
      }
    } else if (c === '!') {
      if (s[i + 1] === '=') {
        out.push({ t: 'op', v: '!=' });
        i += 2;
      } else {
        out.push({ t: 'op', v: '!' });
        i++;
      }
    } else if (c === '<' || c === '>') {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && !SPECIAL.has(s[j])) j++;
      out.push({ t: 'id', v: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function validateKey(key: string): void {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok =
    name.length > 0 &&
    name.length <= 63 &&
    QUALIFIED_NAME.test(name) &&
    (prefix === undefined ||
      (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
  if (!ok) throw new SelectorParseError(`invalid label key "${key}"`);
}

function validateValue(value: string): void {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw new SelectorParseError(`invalid label value: "${value}"`);
  }
}

/** Parses `a=b,c!=d,e in (f,g),h notin (i),j,!k,l>3`. Empty string selects everything. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const tokens = tokenize(selector);
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const peek = () => tokens[i];
  const fail = (msg: string): never => {
    throw new SelectorParseError(`unable to parse requirement: ${msg}`);
  };

  const readValue = (): string => {
    const tok = peek();
    // `a=` and `a in (x,)` carry an empty value
    if (tok === undefined || tok.t === ',' || tok.t === ')') return '';
    if (tok.t !== 'id')
      return fail(
        `found '${'v' in tok ? tok.v : tok.t}', expected: identifier`,
      );
    i++;
    validateValue(tok.v);
    return tok.v;
  };

  while (i < tokens.length) {
    let tok = peek();
    let negated = false;
    if (tok.t === 'op' && tok.v === '!') {
      negated = true;
      i++;
      tok = peek();
    }
    if (!tok || tok.t !== 'id')
      return fail('found end or non-identifier, expected: identifier');
    const key = tok.v;
    validateKey(key);
    i++;
    if (negated) {
      reqs.push({ key, operator: '!', values: [] });
    } else {
      const op = peek();
      if (op === undefined || op.t === ',') {
        reqs.push({ key, operator: 'exists', values: [] });
      } else if (op.t === 'id' && (op.v === 'in' || op.v === 'notin')) {
        i++;
        if (peek()?.t !== '(') return fail(`found '${op.v}', expected: '('`);
        i++;
        const values: string[] = [];
        for (;;) {
          values.push(readValue());
          const sep = peek();
          if (sep?.t === ',') {
            i++;
            continue;
          }
          if (sep?.t === ')') {
            i++;
            break;
          }
          return fail("expected ',' or ')'");
        }
        reqs.push({ key, operator: op.v, values });
      } else if (op.t === 'op' && op.v !== '!') {
        i++;
        const value = readValue();
        if (op.v === '>' || op.v === '<') {
          if (!/^-?\d+$/.test(value))
            return fail(
              `for 'gt', 'lt' operators, the value must be an integer`,
            );
          reqs.push({
            key,
            operator: op.v === '>' ? 'gt' : 'lt',
            values: [value],
          });
        } else {
          reqs.push({ key, operator: op.v, values: [value] });
        }
      } else {
        return fail(
          `found '${
            'v' in op ? op.v : op.t
          }', expected: in, notin, =, ==, !=, gt, lt`,
        );
      }
    }
    const sep = peek();
    if (sep === undefined) break;
    if (sep.t !== ',')
      return fail(`found '${'v' in sep ? sep.v : sep.t}', expected: ','`);
    i++;
    if (i >= tokens.length) return fail("found trailing ','");
  }
  return reqs;
}

export function matchesLabelRequirements(
  reqs: readonly LabelRequirement[],
  labels: Record<string, unknown> | undefined,
): boolean {
  const has = (k: string) =>
    labels !== undefined && Object.prototype.hasOwnProperty.call(labels, k);
  const val = (k: string) => (has(k) ? String(labels![k]) : undefined);
  return reqs.every(r => {
    const v = val(r.key);
    switch (r.operator) {
      case 'exists':
        return v !== undefined;
      case '!':
        return v === undefined;
      case '=':
      case '==':
      case 'in':
        return v !== undefined && r.values.includes(v);
      case '!=':
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case 'gt':
      case 'lt': {
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        return r.operator === 'gt' ? n > bound : n < bound;
      }
      default:
        return false;
    }
  });
}

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Splits on unescaped separators; `\,` `\=` `\!` and `\\` are escapes. */
function splitEscaped(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      cur += s[i] + s[i + 1];
      i++;
    } else if (s[i] === sep) {
      parts.push(cur);
      cur = '';
    } else {
      cur += s[i];
    }
  }
  parts.push(cur);
  return parts;
}

function unescapeField(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Parses `metadata.name=x,metadata.namespace!=y` (`==` is accepted too). */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  if (selector.trim() === '') return [];
  return splitEscaped(selector, ',').map(part => {
    const m = /^([^=!]*?)\s*(==|!=|=)\s*(.*)$/s.exec(part);
    if (!m || m[1].trim() === '') {
      throw new SelectorParseError(
        `invalid selector: '${selector}'; can't understand '${part}'`,
      );
    }
    return {
      field: m[1].trim(),
      operator: m[2] === '!=' ? '!=' : '=',
      value: unescapeField(m[3]),
    };
  });
}

/** Fields every resource supports, and the extra ones the API server registers per kind. */
const FIELD_GETTERS: Record<string, (o: any) => unknown> = {
  'metadata.name': o => o?.metadata?.name,
  'metadata.namespace': o => o?.metadata?.namespace ?? '',
};

const KIND_FIELD_GETTERS: Record<
  string,
  Record<string, (o: any) => unknown>
> = {
  Pod: {
    'spec.nodeName': o => o?.spec?.nodeName ?? '',
    'spec.restartPolicy': o => o?.spec?.restartPolicy ?? '',
    'spec.schedulerName': o => o?.spec?.schedulerName ?? '',
    'spec.serviceAccountName': o => o?.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': o => String(o?.spec?.hostNetwork === true),
    'status.phase': o => o?.status?.phase ?? '',
    'status.podIP': o => o?.status?.podIP ?? '',
    'status.nominatedNodeName': o => o?.status?.nominatedNodeName ?? '',
  },
  Secret: { type: o => o?.type ?? '' },
  Namespace: { 'status.phase': o => o?.status?.phase ?? '' },
  ReplicaSet: { 'status.replicas': o => String(o?.status?.replicas ?? 0) },
  Job: { 'status.successful': o => String(o?.status?.succeeded ?? 0) },
};

export function fieldGetter(
  kind: string,
  field: string,
): ((o: any) => unknown) | undefined {
  return FIELD_GETTERS[field] ?? KIND_FIELD_GETTERS[kind]?.[field];
}

/** Throws SelectorParseError for a field the kind does not support, as the server answers 400. */
export function compileFieldSelector(
  kind: string,
  reqs: readonly FieldRequirement[],
): (o: unknown) => boolean {
  const checks = reqs.map(r => {
    const get = fieldGetter(kind, r.field);
    if (!get)
      throw new SelectorParseError(`field label not supported: ${r.field}`);
    return (o: unknown) => {
      const v = get(o);
      const s = v === undefined || v === null ? '' : String(v);
      return r.operator === '=' ? s === r.value : s !== r.value;
    };
  });
  return o => checks.every(c => c(o));
}
