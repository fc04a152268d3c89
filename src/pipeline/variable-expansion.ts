/** How `expandVariables` treats what it cannot or must not substitute. */
export interface ExpansionOptions {
  /** Leave `$NAME` verbatim when `lookup` does not know NAME (default: replace with an empty string). */
  keepUnknown?: boolean;
  /** Leave `$$` as `$$` for a later expansion (default: turn it into `$`). */
  keepEscapes?: boolean;
  /** Stop substituting once the result would exceed this many characters (default 65,536). */
  maxLength?: number;
}

const reference = /\$(?:\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;

/**
 * Expands `$NAME` and `${NAME}` references in `text`, as GitLab does in variable values; `$$` is an
 * escaped dollar. A `$` not followed by a name stays as it is. Substituted values are not expanded
 * again (`lookup` decides what a value is), which keeps expansion linear.
 */
export function expandVariables(
  text: string,
  lookup: (name: string) => string | undefined,
  options: ExpansionOptions = {},
): string {
  const maxLength = options.maxLength ?? 65_536;
  let length = text.length;
  return text.replace(reference, (match, braced: string | undefined, bare: string | undefined) => {
    if (match === '$$') return options.keepEscapes ? '$$' : '$';
    const name = braced ?? bare ?? '';
    const value = lookup(name);
    if (value === undefined) return options.keepUnknown ? match : '';
    if (length + value.length - match.length > maxLength) return match;
    length += value.length - match.length;
    return value;
  });
}

/** Doubles every `$`, so that a later expansion yields `text` literally. */
export function escapeDollars(text: string): string {
  return text.replaceAll('$', '$$$$');
}

/** The names `text` refers to, in order of first appearance. */
export function referencedVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(reference)) {
    const name = match[1] ?? match[2];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}
