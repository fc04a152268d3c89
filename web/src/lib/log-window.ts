/** The scroll position of a log view whose lines all have one height. */
export interface LogViewport {
  scrollTop: number;
  /** Height of the visible area (the scroller's clientHeight). */
  height: number;
  lineHeight: number;
  lineCount: number;
  /** Lines drawn beyond each edge, so a fast scroll does not show blank space first. */
  overscan: number;
}

/**
 * The lines to draw, `[first, end)`: those in view plus `overscan` on each side, clamped to the
 * log. The DOM then holds a few dozen lines whatever the log's length.
 */
export function visibleLines({ scrollTop, height, lineHeight, lineCount, overscan }: LogViewport): {
  first: number;
  end: number;
} {
  const top = Math.max(0, Math.floor(scrollTop / lineHeight));
  const bottom = Math.ceil((Math.max(0, scrollTop) + height) / lineHeight);
  const first = Math.min(lineCount, Math.max(0, top - overscan));
  const end = Math.min(lineCount, bottom + overscan);
  return { first, end: Math.max(first, end) };
}

/**
 * Whether the view shows the end of the log, give or take `slack` pixels (zoomed pages scroll by
 * fractions of a pixel, so "at the bottom" is rarely exact).
 */
export function isAtBottom(scrollTop: number, height: number, scrollHeight: number, slack = 4): boolean {
  return scrollTop + height >= scrollHeight - slack;
}
