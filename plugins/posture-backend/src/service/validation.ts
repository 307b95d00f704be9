import { InputError } from '@backstage/errors';
import { z } from 'zod';

const MAX_VALUE = 200;

/** `?owner=a&owner=b` and `?owner=a,b` both become `['a','b']`. */
const list = z
  .union([z.string(), z.array(z.string())])
  .transform(v => (Array.isArray(v) ? v : [v]).flatMap(s => s.split(',')).map(s => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(MAX_VALUE, `values are at most ${MAX_VALUE} characters`)).max(50, 'at most 50 values'));

const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const overviewQuerySchema = z
  .object({
    owner: list.optional(),
    system: list.optional(),
    kind: list.optional(),
    lifecycle: list.optional(),
    cluster: list.optional(),
    grade: list.pipe(z.array(z.enum(['A', 'B', 'C', 'D', 'F']))).optional(),
    level: list.pipe(z.array(z.enum(['Gold', 'Silver', 'Bronze', 'None']))).optional(),
    quadrant: list.pipe(z.array(z.enum(['balanced', 'secure-fragile', 'scalable-exposed', 'at-risk']))).optional(),
    q: z.string().max(MAX_VALUE, `q is at most ${MAX_VALUE} characters`).optional(),
    sort: z
      .enum(['name', 'owner', 'system', 'scalability', 'security', 'overall', 'grade', 'level', 'lastChangedAt'])
      .optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: intParam(1, 500).optional(),
    offset: intParam(0, 1_000_000).optional(),
    exempted: z.enum(['true', 'false']).transform(v => v === 'true').optional(),
  })
  .strict();

// Date.parse alone accepts "1" or "March 7" (V8 guesses a year), so the shape is checked first
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))?)?$/;

/**
 * A real calendar date and time. Date.parse rolls impossible dates over instead of rejecting
 * them (2020-02-30 is read as March 1, 24:00 as the next day), so each field is checked itself.
 */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m || Number.isNaN(Date.parse(s))) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  // day 0 of the next month is the last day of this one, in the proleptic Gregorian calendar
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return false;
  const [hour, minute, second, offH, offM] = [m[4], m[5], m[6], m[7], m[8]].map(v => (v === undefined ? 0 : Number(v)));
  return hour < 24 && minute < 60 && second < 60 && offH < 24 && offM < 60;
}

const isoDate = (field: string) =>
  z
    .string({ invalid_type_error: `${field} must be given once, as a string` })
    .max(40, `${field} is at most 40 characters`)
    .refine(isIsoDate, `${field} must be an ISO 8601 date`);

export const historyQuerySchema = z
  .object({ from: isoDate('from').optional(), to: isoDate('to').optional() })
  .strict()
  .refine(r => !r.from || !r.to || Date.parse(r.from) <= Date.parse(r.to), {
    message: 'from must not be after to',
    path: ['from'],
  });

const refPart = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be letters, digits, ".", "_" or "-"');

/** Routes that take no query parameters: any parameter is refused, as unknown ones are elsewhere. */
export const noQuerySchema = z.object({}).strict();

/** GET /exemptions */
export const exemptionsQuerySchema = z
  .object({
    entityRef: list.optional(),
    source: list.pipe(z.array(z.enum(['annotation', 'config']))).optional(),
    expired: z.enum(['true', 'false']).transform(v => v === 'true').optional(),
  })
  .strict();

export const entityParamsSchema = z.object({ kind: refPart, namespace: refPart, name: refPart });

/** Parses with a schema, turning failures into a 400 that names each bad field. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, value: unknown, what: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const detail = r.error.issues
      .map(i => {
        const field = i.path.join('.') || what;
        return i.code === 'unrecognized_keys'
          ? `unknown parameter(s) ${(i as any).keys.join(', ')}`
          : `${field}: ${i.message}`;
      })
      .join('; ');
    throw new InputError(`Invalid ${what}: ${detail}`);
  }
  return r.data;
}

export const groupQuerySchema = z.object({ scope: z.enum(['tree', 'direct']).optional() }).strict();

export const trendQuerySchema = z
  .object({ scope: z.enum(['tree', 'direct']).optional(), from: isoDate('from').optional() })
  .strict();

export const campaignParamsSchema = z.object({
  id: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and "-"'),
});
