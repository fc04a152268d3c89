/** One sample of Prometheus' text exposition format: `name{label="value",…} value [timestamp]`. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n' };

/**
 * The samples of a text exposition (Prometheus 0.0.4, and OpenMetrics' same-shaped lines).
 * Comments, `# HELP`/`# TYPE` and lines that are not a sample are skipped rather than failing the
 * whole scrape: one odd line of an app's output must not hide the series Gantry reads.
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    const sample = parseLine(line.trim());
    if (sample) samples.push(sample);
  }
  return samples;
}

function parseLine(line: string): PrometheusSample | undefined {
  if (line === '' || line.startsWith('#')) return undefined;
  NAME.lastIndex = 0;
  const name = NAME.exec(line)?.[0];
  if (name === undefined) return undefined;
  let position = name.length;
  const labels: Record<string, string> = {};
  if (line[position] === '{') {
    const end = parseLabels(line, position + 1, labels);
    if (end === undefined) return undefined;
    position = end;
  }
  // The value is the first field after the name and labels; a timestamp or exemplar may follow.
  const fields = line.slice(position).trim().split(/\s+/);
  const value = parseValue(fields[0] ?? '');
  return value === undefined ? undefined : { name, labels, value };
}

/** Reads `a="x",b="y"}` from `start` into `labels`; returns the position after `}`. */
function parseLabels(line: string, start: number, labels: Record<string, string>): number | undefined {
  let position = skipSpaces(line, start);
  while (line[position] !== '}') {
    LABEL_NAME.lastIndex = position;
    const label = LABEL_NAME.exec(line)?.[0];
    if (label === undefined) return undefined;
    position = skipSpaces(line, position + label.length);
    if (line[position] !== '=') return undefined;
    position = skipSpaces(line, position + 1);
    if (line[position] !== '"') return undefined;
    let value = '';
    position++;
    for (;;) {
      const char = line[position];
      if (char === undefined) return undefined;
      position++;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = line[position++];
        if (escaped === undefined) return undefined;
        value += ESCAPES[escaped] ?? `\\${escaped}`;
      } else {
        value += char;
      }
    }
    labels[label] = value;
    position = skipSpaces(line, position);
    if (line[position] === ',') position = skipSpaces(line, position + 1);
    else if (line[position] !== '}') return undefined;
  }
  return position + 1;
}

function skipSpaces(line: string, position: number): number {
  while (line[position] === ' ' || line[position] === '\t') position++;
  return position;
}

/** A float as Go's ParseFloat reads Prometheus values: decimals, exponents, ±Inf and NaN. */
function parseValue(text: string): number | undefined {
  if (/^[+]?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  return NUMBER.test(text) ? Number(text) : undefined;
}
