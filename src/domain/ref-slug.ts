/**
 * GitLab's slug of a ref or environment name (`CI_COMMIT_REF_SLUG`, `CI_PROJECT_PATH_SLUG`):
 * lower-cased, every run of characters outside `a-z0-9` replaced by `-`, cut to 63 characters,
 * no leading or trailing `-`. Usable in URLs, host names and Kubernetes names.
 */
export function refSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
}
