import { arr, obj, str } from './k8s';

/** A selector that cannot be evaluated; reported per object, never thrown past the engine. */
export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

export interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A parsed `metav1.LabelSelector`: every requirement must hold. */
export interface LabelSelector {
  requirements: Requirement[];
  /** `{}`: matches everything (as in NetworkPolicy podSelector and PDB selector) */
  empty: boolean;
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Parses a `metav1.LabelSelector` (`matchLabels` and `matchExpressions`) with
 * the API server's validation rules. Returns `undefined` for a null/absent
 * selector, which matches nothing.
 */
export function parseLabelSelector(v: unknown): LabelSelector | undefined {
  if (v === undefined || v === null) return undefined;
  const sel = obj(v);
  if (!sel) throw new SelectorError(`selector must be an object, got ${typeof v}`);
  const requirements: Requirement[] = [];
  const ml = sel.matchLabels;
  if (ml !== undefined && ml !== null) {
    const m = obj(ml);
    if (!m) throw new SelectorError('matchLabels must be a map');
    for (const [key, value] of Object.entries(m)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        throw new SelectorError(`matchLabels.${key} must be a string`);
      requirements.push({ key, operator: 'In', values: [String(value)] });
    }
  }
  const me = sel.matchExpressions;
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me)) throw new SelectorError('matchExpressions must be a list');
    me.forEach((e, i) => {
      const ex = obj(e);
      const key = str(ex?.key);
      const operator = str(ex?.operator);
      if (!ex || !key) throw new SelectorError(`matchExpressions[${i}].key is required`);
      if (!operator || !OPERATORS.has(operator))
        throw new SelectorError(
          `matchExpressions[${i}].operator "${String(ex.operator)}" is not one of In, NotIn, Exists, DoesNotExist`,
        );
      const values = arr(ex.values).map(String);
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0)
        throw new SelectorError(`matchExpressions[${i}]: ${operator} needs at least one value`);
      if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0)
        throw new SelectorError(`matchExpressions[${i}]: ${operator} takes no values`);
      requirements.push({ key, operator: operator as Requirement['operator'], values });
    });
  }
  return { requirements, empty: requirements.length === 0 };
}

/** A plain `map[string]string` selector (Service, ReplicationController). */
export function mapSelector(v: unknown): LabelSelector | undefined {
  const m = obj(v);
  if (!m) return undefined;
  const requirements: Requirement[] = Object.entries(m).map(([key, value]) => ({
    key,
    operator: 'In' as const,
    values: [String(value)],
  }));
  return { requirements, empty: requirements.length === 0 };
}

export function matches(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  for (const r of selector.requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(labels[r.key])) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(labels[r.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * Parses the string form (`app=a,tier in (x,y),!legacy`) used by
 * `backstage.io/kubernetes-label-selector` and by `?labelSelector=`.
 */
export function parseSelectorString(input: string): LabelSelector {
  const requirements: Requirement[] = [];
  const s = input.trim();
  let i = 0;
  const fail = (msg: string): never => {
    throw new SelectorError(`invalid label selector "${input}": ${msg}`);
  };
  const skipWs = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const readKey = () => {
    const m = /^[A-Za-z0-9._\/-]+/.exec(s.slice(i));
    if (!m) fail(`expected a label key at position ${i}`);
    i += m![0].length;
    return m![0];
  };
  const readValue = () => {
    const m = /^[A-Za-z0-9._-]*/.exec(s.slice(i));
    i += m![0].length;
    return m![0];
  };
  while (i < s.length) {
    skipWs();
    if (s[i] === '!') {
      i++;
      skipWs();
      requirements.push({ key: readKey(), operator: 'DoesNotExist', values: [] });
    } else {
      const key = readKey();
      skipWs();
      const rest = s.slice(i);
      if (rest.startsWith('==') || rest.startsWith('!=') || rest.startsWith('=')) {
        const op = rest.startsWith('!=') ? 'NotIn' : 'In';
        i += rest.startsWith('=') && !rest.startsWith('==') ? 1 : 2;
        skipWs();
        requirements.push({ key, operator: op, values: [readValue()] });
      } else if (/^(in|notin)\s*\(/.test(rest)) {
        const op = rest.startsWith('in') ? 'In' : 'NotIn';
        i += op === 'In' ? 2 : 5;
        skipWs();
        i++; // (
        const values: string[] = [];
        for (;;) {
          skipWs();
          values.push(readValue());
          skipWs();
          if (s[i] === ',') {
            i++;
            continue;
          }
          if (s[i] === ')') {
            i++;
            break;
          }
          fail('unterminated value list');
        }
        requirements.push({ key, operator: op, values });
      } else if (rest === '' || rest.startsWith(',')) {
        requirements.push({ key, operator: 'Exists', values: [] });
      } else {
        fail(`unexpected "${rest[0]}" at position ${i}`);
      }
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') fail(`expected "," at position ${i}`);
      i++;
    }
  }
  return { requirements, empty: requirements.length === 0 };
}

export function selectorToString(sel: LabelSelector): string {
  return sel.requirements
    .map(r => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        default:
          return `!${r.key}`;
      }
    })
    .join(',');
}
