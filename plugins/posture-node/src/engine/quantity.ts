/**
 * Kubernetes resource quantities (`100m`, `512Mi`, `1.5Gi`, `1e3`, `2`).
 *
 * Written here rather than taken from @kubernetes/client-node: 1.x does not
 * export its `quantityToScalar` from the package entry, and that function
 * throws on fractional binary suffixes such as `1.5Gi`, which the API server
 * accepts. Values are plain numbers (cores, bytes): checks compare and report
 * them, they never need the API server's exact decimal arithmetic.
 */

export type QuantityResult =
  | { ok: true; value: number; raw: string }
  | { ok: false; error: string; raw: string };

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const DECIMAL: Record<string, number> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

// <signedNumber><suffix>, the grammar of k8s.io/apimachinery/pkg/api/resource.
// An exponent (`e3`, `E-3`) is tried before the single-letter suffixes so that
// `1E3` is 1000 while a bare `1E` is one exa.
const QUANTITY =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?\d+)|(m|k|M|G|T|P|E)?)$/;

function shown(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a map' : JSON.stringify(v) ?? String(v);
}

/**
 * Parses a quantity as written in YAML: a string, or a number (`cpu: 1`).
 * Never throws; an unparsable value comes back with a readable error.
 */
export function parseQuantity(v: unknown): QuantityResult {
  if (typeof v === 'number') {
    const raw = String(v);
    return Number.isFinite(v)
      ? { ok: true, value: v, raw }
      : { ok: false, error: `${raw} is not a finite number`, raw };
  }
  if (typeof v !== 'string') {
    return {
      ok: false,
      error: `expected a quantity such as "500m" or "1Gi", got ${shown(v)}`,
      raw: shown(v),
    };
  }
  const m = QUANTITY.exec(v);
  if (!m) {
    return {
      ok: false,
      error: `"${v}" is not a Kubernetes quantity (expected e.g. "250m", "1.5", "512Mi", "2Gi", "1e3")`,
      raw: v,
    };
  }
  const [, num, binary, exponent, decimal] = m;
  const n = Number(num);
  let value: number;
  if (binary) value = n * BINARY[binary];
  else if (exponent !== undefined) value = n * 10 ** Number(exponent);
  else value = n * DECIMAL[decimal ?? ''];
  if (!Number.isFinite(value))
    return { ok: false, error: `"${v}" is out of range`, raw: v };
  return { ok: true, value, raw: v };
}
