/**
 * The words of a comma- or space-separated field (`docker, linux arm64`), trimmed, each once, in
 * the order typed.
 */
export function parseWordList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((word) => word !== ''))];
}
