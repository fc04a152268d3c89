/** Deployment tiers, as GitLab names them (`environment:deployment_tier`). */
export const DEPLOYMENT_TIERS = ['production', 'staging', 'testing', 'development', 'other'] as const;
export type DeploymentTier = (typeof DEPLOYMENT_TIERS)[number];

// GitLab's guesses, tried in this order: the first pattern found anywhere in the name wins, so
// `review/prod-fix` is development and `pre-production` is staging.
const GUESSES: ReadonlyArray<[RegExp, DeploymentTier]> = [
  [/(dev|review|trunk)/i, 'development'],
  [/(test|tst|int|ac(ce|)pt|qa|qc|control|quality)/i, 'testing'],
  [/(st(a|)g|mod(e|)l|pre|demo|non)/i, 'staging'],
  [/(pr(o|)d|live)/i, 'production'],
];

/**
 * The tier of an environment whose pipeline file does not set one, guessed from its name exactly as
 * GitLab does, so environments keep the tier they had there.
 */
export function guessTier(name: string): DeploymentTier {
  return GUESSES.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';
}
