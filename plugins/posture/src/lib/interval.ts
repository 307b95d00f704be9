const UNITS = [
  ['years', 'year'],
  ['months', 'month'],
  ['weeks', 'week'],
  ['days', 'day'],
  ['hours', 'hour'],
  ['minutes', 'minute'],
  ['seconds', 'second'],
  ['milliseconds', 'millisecond'],
] as const;

type Unit = (typeof UNITS)[number][0];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function describeParts(parts: Partial<Record<Unit, number>>): string | undefined {
  const words = UNITS.filter(([key]) => (parts[key] ?? 0) > 0).map(([key, word]) => plural(parts[key]!, word));
  return words.length ? words.join(' ') : undefined;
}

// P1D, PT2M, PT1H30M: the ISO 8601 form Backstage's readDurationFromConfig accepts
const ISO = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;
// "2m", "10 minutes", "1 hour": the ms-style form it also accepts
const SHORT = /^(\d+)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|years?)$/i;
const SHORT_UNIT: Record<string, Unit> = {
  ms: 'milliseconds', millisecond: 'milliseconds', milliseconds: 'milliseconds',
  s: 'seconds', sec: 'seconds', secs: 'seconds', second: 'seconds', seconds: 'seconds',
  m: 'minutes', min: 'minutes', mins: 'minutes', minute: 'minutes', minutes: 'minutes',
  h: 'hours', hr: 'hours', hrs: 'hours', hour: 'hours', hours: 'hours',
  d: 'days', day: 'days', days: 'days',
  w: 'weeks', week: 'weeks', weeks: 'weeks',
  y: 'years', year: 'years', years: 'years',
};

/**
 * "2 minutes" for a configured duration (`{ minutes: 2 }`, `PT2M` or `2m`, the forms the backend's
 * `posture.schedule.frequency` takes); undefined when nothing is configured or the form is not one
 * of those, so the caller says nothing rather than guessing a number.
 */
export function describeInterval(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const parts: Partial<Record<Unit, number>> = {};
    for (const [key, n] of Object.entries(value)) {
      if (!UNITS.some(([unit]) => unit === key) || typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        return undefined;
      }
      parts[key as Unit] = n;
    }
    return describeParts(parts);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const iso = ISO.exec(text);
  if (iso) {
    const [years, months, weeks, days, hours, minutes, seconds] = iso.slice(1).map(v => (v ? Number(v) : 0));
    return describeParts({ years, months, weeks, days, hours, minutes, seconds });
  }
  const short = SHORT.exec(text);
  if (short) return describeParts({ [SHORT_UNIT[short[2].toLowerCase()]]: Number(short[1]) });
  return undefined;
}
