import { type AnsiSpan, type AnsiStyle, DEFAULT_STYLE, erasesLine, parseAnsi, visibleText } from './ansi.ts';

/** One line as the log view draws it: its text (escapes kept) and the style it starts in. */
export interface LogLine {
  text: string;
  style: AnsiStyle;
}

/**
 * What a terminal would leave of one line written with carriage returns (progress bars, spinners,
 * GitLab's `section_start:…\r\e[0K` markers): the last part that drew something or erased the
 * line. Parts that only change colours keep the earlier text, so `50%\r\e[0m` still shows `50%`.
 * Returns that part with the style it starts in, where it starts in `raw`, and the style at the
 * end of the whole line.
 */
export function resolveCarriageReturns(
  raw: string,
  start: AnsiStyle,
): { line: LogLine; from: number; end: AnsiStyle } {
  if (!raw.includes('\r')) {
    const end = raw.includes('\x1b') ? parseAnsi(raw, start).end : start;
    return { line: { text: raw, style: start }, from: 0, end };
  }
  let shown: LogLine = { text: '', style: start };
  let from = 0;
  let style = start;
  let offset = 0;
  for (const part of raw.split('\r')) {
    if (visibleText(part) !== '' || erasesLine(part)) {
      shown = { text: visibleText(part) === '' ? '' : part, style };
      from = offset;
    }
    style = parseAnsi(part, style).end;
    offset += part.length + 1;
  }
  return { line: shown, from, end: style };
}

/**
 * A job log split into lines as it streams in, for a view that draws only the lines on screen:
 * appending costs in proportion to the new text, not to the log, and each line remembers the
 * style the lines before it left, so any line can be coloured without reading from the start.
 */
export class LogBuffer {
  readonly #lines: LogLine[] = [];
  /** The last line, not yet ended by a newline: it is redrawn as more arrives. */
  #partial = '';
  /** The style at the start of {@link #partial}. */
  #partialStyle: AnsiStyle = DEFAULT_STYLE;

  /** Adds text as it arrived (any split: mid-line, mid-escape, `\r` and `\n` apart). */
  append(text: string): void {
    if (text === '') return;
    const pieces = (this.#partial + text).split('\n');
    let partial = pieces.pop()!;
    let style = this.#partialStyle;
    for (const piece of pieces) {
      // `\r\n` needs nothing special: the empty part after the `\r` keeps the line.
      const { line, end } = resolveCarriageReturns(piece, style);
      this.#lines.push(line);
      style = end;
    }
    if (partial.includes('\r')) {
      // A progress bar redrawn for minutes is one endless line: keep only what is still shown.
      const { line, from } = resolveCarriageReturns(partial, style);
      partial = partial.slice(from);
      style = line.style;
    }
    this.#partial = partial;
    this.#partialStyle = style;
  }

  /** Lines to draw: the complete ones, and the partial one when it has anything. */
  get length(): number {
    return this.#lines.length + (this.#partial === '' ? 0 : 1);
  }

  /** Line `index` (0-based), the partial one included. */
  line(index: number): LogLine {
    const complete = this.#lines[index];
    if (complete) return complete;
    if (index === this.#lines.length && this.#partial !== '') {
      return resolveCarriageReturns(this.#partial, this.#partialStyle).line;
    }
    throw new RangeError(`line ${index} is outside the log (${this.length} lines)`);
  }

  /** Line `index` as styled spans. */
  spans(index: number): AnsiSpan[] {
    const { text, style } = this.line(index);
    return parseAnsi(text, style).spans;
  }
}
