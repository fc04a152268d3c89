const SECOND = 1;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;

const units: ReadonlyArray<[RegExp, number]> = [
  [/^(?:s|secs?|seconds?)$/, SECOND],
  [/^(?:m|mins?|minutes?)$/, MINUTE],
  [/^(?:h|hrs?|hours?)$/, HOUR],
  [/^(?:d|days?)$/, DAY],
  [/^(?:w|wks?|weeks?)$/, 7 * DAY],
  [/^(?:mo|mos|months?)$/, 30 * DAY],
  [/^(?:y|yrs?|years?)$/, 365 * DAY],
];

/**
 * Parses GitLab's human-readable durations into whole seconds: `30` (seconds), `30s`, `5 minutes`,
 * `1 hour 30 min`, `1h 30m`, `1h30m`, `2 days`, `1 week`, `1.5 hours`, `3 mins and 4 sec`, `01:30:00`.
 * Months are 30 days and years 365 days, as GitLab configures its parser. Returns null for anything
 * else (including `never`, which only some keywords accept and handle themselves).
 */
export function parseDuration(text: string): number | null {
  const input = text.trim().toLowerCase();
  if (input.length === 0 || input.length > 100) return null;
  const clock = /^(\d+):([0-5]?\d)(?::([0-5]?\d))?$/.exec(input);
  if (clock) {
    const [a, b, c] = [Number(clock[1]), Number(clock[2]), clock[3] === undefined ? null : Number(clock[3])];
    return c === null ? a * MINUTE + b : a * HOUR + b * MINUTE + c;
  }
  const tokens = input.split(/(?:\s*,\s*|\s+and\s+|\s+)/).filter((token) => token.length > 0);
  let total = 0;
  let parts = 0;
  for (let i = 0; i < tokens.length; i++) {
    // A token is either "90" "1.5" (a number whose unit may follow as the next token) or "90s" "1h30m".
    const token = tokens[i]!;
    const pieces = token.match(/\d+(?:\.\d+)?|[a-z]+/g) ?? [];
    if (pieces.join('') !== token) return null;
    for (let p = 0; p < pieces.length; p++) {
      const amount = Number(pieces[p]);
      if (Number.isNaN(amount)) return null;
      let unitText = pieces[p + 1];
      if (unitText !== undefined) p++;
      else if (p === pieces.length - 1 && tokens[i + 1] !== undefined && /^[a-z]+$/.test(tokens[i + 1]!)) {
        unitText = tokens[++i];
      }
      const factor = unitText === undefined ? SECOND : units.find(([pattern]) => pattern.test(unitText))?.[1];
      if (factor === undefined || (unitText !== undefined && /^\d/.test(unitText))) return null;
      total += amount * factor;
      parts++;
    }
  }
  if (parts === 0 || !Number.isFinite(total)) return null;
  return Math.round(total);
}
