/** The YAML scalar styles, as the `yaml` package names them. */
export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

/**
 * Maps each character of a scalar's parsed value back to its offset in the source, so that an error
 * at column 7 of a `rules:if` expression points at the right column of the file even when the value
 * was quoted, escaped or folded. Returns the source offset for a value index; indexes past the end map
 * to the end of the scalar, and anything the walk cannot align maps to the scalar's start.
 */
export function createScalarLocator(
  source: string,
  start: number,
  end: number,
  style: ScalarStyle,
  value: string,
): (index: number) => number {
  const offsets = alignOffsets(source, start, end, style, value);
  return (index) => {
    if (index < 0) return start;
    if (index < offsets.length) return offsets[index]!;
    return offsets.length === value.length && value.length > 0
      ? Math.min(offsets[value.length - 1]! + 1, end)
      : start;
  };
}

function alignOffsets(
  source: string,
  start: number,
  end: number,
  style: ScalarStyle,
  value: string,
): number[] {
  const offsets: number[] = [];
  let at = start;
  let indent = 0;
  if (style === 'QUOTE_SINGLE' || style === 'QUOTE_DOUBLE') at++;
  if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') {
    const newline = source.indexOf('\n', at);
    if (newline === -1 || newline >= end) return offsets;
    at = newline + 1;
    while (source[at] === '\n' || source[at] === '\r') at++;
    while (source[at + indent] === ' ') indent++;
    at += indent;
  }
  const skipBreak = (): void => {
    // A line break in the source: the break itself, then indentation (all of it for flow scalars).
    while (at < end && (source[at] === '\n' || source[at] === '\r')) at++;
    if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') {
      for (let i = 0; i < indent && source[at] === ' '; i++) at++;
    } else {
      while (at < end && (source[at] === ' ' || source[at] === '\t')) at++;
    }
  };
  for (let index = 0; index < value.length; index++) {
    if (at >= end) return offsets;
    const char = value[index]!;
    const here = source[at]!;
    if (style === 'QUOTE_DOUBLE' && here === '\\') {
      const kind = source[at + 1];
      offsets.push(at);
      const width = kind === 'x' ? 4 : kind === 'u' ? 6 : kind === 'U' ? 10 : 2;
      if (kind === 'U' && char.length === 1 && value.charCodeAt(index) >= 0xd800) {
        offsets.push(at);
        index++;
      }
      at += width;
      continue;
    }
    if (style === 'QUOTE_SINGLE' && here === "'" && source[at + 1] === "'") {
      offsets.push(at);
      at += 2;
      continue;
    }
    if (char === here) {
      offsets.push(at);
      at++;
      if (char === '\n') skipBreak();
      continue;
    }
    if (
      (char === ' ' || char === '\n') &&
      (here === '\n' || here === '\r' || here === ' ' || here === '\t')
    ) {
      // Folding: trailing spaces and a line break in the source became one space (or a newline).
      offsets.push(at);
      while (at < end && (source[at] === ' ' || source[at] === '\t')) at++;
      skipBreak();
      continue;
    }
    return offsets;
  }
  return offsets;
}
