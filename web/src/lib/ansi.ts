/**
 * A colour: an index into the 16-colour terminal palette (0–7 normal, 8–15 bright), which the
 * stylesheet themes, or an exact `rgb(…)` from a 256-colour or truecolor sequence.
 */
export type AnsiColor = number | string;

/** The graphic rendition in effect at some point of a log. Never mutated: each change is a new object. */
export interface AnsiStyle {
  readonly fg: AnsiColor | null;
  readonly bg: AnsiColor | null;
  readonly bold: boolean;
  readonly dim: boolean;
  readonly italic: boolean;
  readonly underline: boolean;
}

/** A run of text drawn in one style. */
export interface AnsiSpan {
  text: string;
  style: AnsiStyle;
}

export const DEFAULT_STYLE: AnsiStyle = Object.freeze({
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
});

/**
 * Escape sequences: CSI (`ESC [ params final`, group 1 the parameters and group 2 the final byte),
 * OSC (`ESC ] … BEL`, window titles and links), and two-byte escapes. A sequence cut off at the end
 * of the text (a line still being written) matches too, so it is dropped rather than shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal control sequences is the point.
const ESCAPE = /\x1b(?:\[([0-?]*)[ -/]*([@-~])?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)/g;
/** Control characters that draw nothing (tabs are kept; carriage returns are handled by the log). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed.
const INVISIBLE = /[\x00-\x08\x0b-\x1f\x7f]/g;
/** Erase in line (`ESC [ K`, `0K`, `1K`, `2K`). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the sequence matched.
const ERASE_LINE = /\x1b\[[012]?K/;

/** The 6×6×6 cube and grey ramp of the 256-colour palette, above the 16 themed colours. */
function color256(n: number): AnsiColor | null {
  if (!Number.isInteger(n) || n < 0 || n > 255) return null;
  if (n < 16) return n;
  if (n >= 232) {
    const grey = 8 + (n - 232) * 10;
    return `rgb(${grey}, ${grey}, ${grey})`;
  }
  const level = (value: number) => (value === 0 ? 0 : 55 + value * 40);
  const index = n - 16;
  return `rgb(${level(Math.floor(index / 36))}, ${level(Math.floor(index / 6) % 6)}, ${level(index % 6)})`;
}

function withChange(style: AnsiStyle, change: Partial<AnsiStyle>): AnsiStyle {
  return { ...style, ...change };
}

/**
 * Applies one SGR sequence's parameters (`1;31`, `38;5;208`, `38;2;255;128;0`, empty = reset).
 * Unknown codes are ignored, as terminals do.
 */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((part) => (part === '' ? 0 : Number(part)));
  let next = style;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) next = DEFAULT_STYLE;
    else if (code === 1) next = withChange(next, { bold: true });
    else if (code === 2) next = withChange(next, { dim: true });
    else if (code === 3) next = withChange(next, { italic: true });
    else if (code === 4) next = withChange(next, { underline: true });
    else if (code === 22) next = withChange(next, { bold: false, dim: false });
    else if (code === 23) next = withChange(next, { italic: false });
    else if (code === 24) next = withChange(next, { underline: false });
    else if (code >= 30 && code <= 37) next = withChange(next, { fg: code - 30 });
    else if (code === 39) next = withChange(next, { fg: null });
    else if (code >= 40 && code <= 47) next = withChange(next, { bg: code - 40 });
    else if (code === 49) next = withChange(next, { bg: null });
    else if (code >= 90 && code <= 97) next = withChange(next, { fg: code - 90 + 8 });
    else if (code >= 100 && code <= 107) next = withChange(next, { bg: code - 100 + 8 });
    else if (code === 38 || code === 48) {
      const key = code === 38 ? 'fg' : 'bg';
      const mode = codes[i + 1];
      if (mode === 5) {
        const color = color256(codes[i + 2] ?? -1);
        if (color !== null) next = withChange(next, { [key]: color });
        i += 2;
      } else if (mode === 2) {
        const [r, g, b] = codes.slice(i + 2, i + 5);
        const channel = (value: number | undefined) =>
          value !== undefined && Number.isInteger(value) && value >= 0 && value <= 255;
        if (channel(r) && channel(g) && channel(b))
          next = withChange(next, { [key]: `rgb(${r}, ${g}, ${b})` });
        i += 4;
      } else {
        // A malformed extended colour: the rest of the sequence cannot be read reliably.
        break;
      }
    }
  }
  return next;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return (
    a === b ||
    (a.fg === b.fg &&
      a.bg === b.bg &&
      a.bold === b.bold &&
      a.dim === b.dim &&
      a.italic === b.italic &&
      a.underline === b.underline)
  );
}

/**
 * Splits one line of terminal output into styled spans, starting in `start` (the style the earlier
 * lines left), and returns the style in effect at its end for the next line. SGR sequences set the
 * style; every other escape sequence and invisible control character is dropped. Adjacent spans of
 * one style are merged and empty ones left out.
 */
export function parseAnsi(
  text: string,
  start: AnsiStyle = DEFAULT_STYLE,
): { spans: AnsiSpan[]; end: AnsiStyle } {
  const spans: AnsiSpan[] = [];
  let style = start;
  const push = (raw: string) => {
    const visible = raw.replace(INVISIBLE, '');
    if (visible === '') return;
    const last = spans.at(-1);
    if (last && sameStyle(last.style, style)) last.text += visible;
    else spans.push({ text: visible, style });
  };
  if (!text.includes('\x1b')) {
    push(text);
    return { spans, end: style };
  }
  let from = 0;
  for (const match of text.matchAll(ESCAPE)) {
    push(text.slice(from, match.index));
    from = match.index + match[0].length;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  push(text.slice(from));
  return { spans, end: style };
}

/** The text a line shows once escape sequences and control characters are removed. */
export function visibleText(text: string): string {
  return text.replace(ESCAPE, '').replace(INVISIBLE, '');
}

/** Whether `text` erases its line (`ESC [ K`): a progress line wiped before the next is drawn. */
export function erasesLine(text: string): boolean {
  return ERASE_LINE.test(text);
}

/**
 * The CSS classes of a span: `ansi-fg-N` / `ansi-bg-N` for the 16 themed colours and one class per
 * attribute. Exact colours (256-colour cube, truecolor) are not classes: see {@link ansiColors}.
 */
export function ansiClassName(style: AnsiStyle): string {
  const classes: string[] = [];
  if (typeof style.fg === 'number') classes.push(`ansi-fg-${style.fg}`);
  if (typeof style.bg === 'number') classes.push(`ansi-bg-${style.bg}`);
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  return classes.join(' ');
}

/**
 * The exact colours a span asks for, which no stylesheet can list (16 million truecolor values):
 * they come from the log, not from the UI's palette. Undefined when the classes say everything.
 */
export function ansiColors(style: AnsiStyle): { color?: string; backgroundColor?: string } | undefined {
  const fg = typeof style.fg === 'string' ? style.fg : undefined;
  const bg = typeof style.bg === 'string' ? style.bg : undefined;
  if (fg === undefined && bg === undefined) return undefined;
  return { ...(fg !== undefined && { color: fg }), ...(bg !== undefined && { backgroundColor: bg }) };
}
