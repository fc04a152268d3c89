import { memo } from 'react';
import { type AnsiStyle, ansiClassName, ansiColors, DEFAULT_STYLE, parseAnsi } from '../lib/ansi.ts';

/**
 * One line of terminal output drawn with its colours (`ansi-*` classes for the themed palette,
 * exact colours through the CSSOM), starting in `style`, the style the lines before it left.
 * Re-rendered only when its text changes.
 */
export const AnsiText = memo(function AnsiText({
  text,
  style = DEFAULT_STYLE,
}: {
  text: string;
  style?: AnsiStyle;
}) {
  const { spans } = parseAnsi(text, style);
  return (
    <>
      {spans.map((span, index) => {
        const className = ansiClassName(span.style);
        const colors = ansiColors(span.style);
        return className || colors ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: spans have no identity beyond their place.
          <span key={index} className={className || undefined} style={colors}>
            {span.text}
          </span>
        ) : (
          span.text
        );
      })}
    </>
  );
});
