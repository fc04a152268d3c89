/** A column of a {@link table}: its header and how its cells line up (left by default). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/**
 * A plain-text table: a title, a header row, a rule, then rows; columns padded to their widest cell
 * and separated by two spaces, with trailing spaces trimmed from each row.
 */
export function table(
  title: string,
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
): string {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [
    title,
    line(columns.map((column) => column.header)),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

/** A number as a table cell with `digits` decimals; `-` when it is not finite (no samples, a division by 0). */
export const fixed = (value: number, digits = 2): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';
