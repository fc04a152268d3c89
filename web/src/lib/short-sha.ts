/** A commit id as the UI shows it: its first 8 digits, as the API's `short_sha` of the matrix. */
export function shortSha(sha: string): string {
  return sha.slice(0, 8);
}
