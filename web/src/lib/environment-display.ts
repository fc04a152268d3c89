import type { Tone } from './status-tone.ts';

const TIER_TONES: Record<string, Tone> = {
  production: 'danger',
  staging: 'warning',
  testing: 'info',
  development: 'neutral',
};

/** The badge colour of a deployment tier: production stands out, other tiers less and less. */
export function tierTone(tier: string): Tone {
  return TIER_TONES[tier] ?? 'neutral';
}

/** The key of the lock an environment's deployments take one at a time (docs/deployments.md). */
export function environmentLockKey(environmentId: number): string {
  return `environment:${environmentId}`;
}

/** The `search` prefix listing a folder's environments (`review` → `review/`). */
export function folderPrefix(folder: string): string {
  return `${folder}/`;
}
