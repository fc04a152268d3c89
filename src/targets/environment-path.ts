/** What a target's path setting may name to keep each environment apart on one host or bucket. */
const SLUG = /\$\{CI_ENVIRONMENT_SLUG\}|\$CI_ENVIRONMENT_SLUG\b/g;

/**
 * A target's directory or key prefix for one environment: `$CI_ENVIRONMENT_SLUG` (or
 * `${CI_ENVIRONMENT_SLUG}`) replaced by the environment's slug, so a target serving many
 * environments (`review/*`) gives each its own place; a path without it is shared by them all.
 */
export function environmentPath(template: string, environmentSlug: string): string {
  return template.replace(SLUG, environmentSlug);
}

/** The path a setting gives with a stand-in slug, for validating a template before any environment exists. */
export function samplePath(template: string): string {
  return environmentPath(template, 'review-x');
}

/**
 * The directory a path template names before any environment's part: the template itself when it
 * names no slug, else its directories before the slug (`/srv/shop-$CI_ENVIRONMENT_SLUG` → `/srv`;
 * `.` for a relative one with none) — what a save can check before environments exist.
 */
export function fixedDirectory(template: string): string {
  const at = template.search(/\$\{?CI_ENVIRONMENT_SLUG/);
  if (at === -1) return template;
  const before = template.slice(0, at);
  const slash = before.lastIndexOf('/');
  if (slash === -1) return '.';
  return slash === 0 ? '/' : before.slice(0, slash);
}
