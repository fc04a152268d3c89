import { tierTone } from '../lib/environment-display.ts';

/** An environment's deployment tier (production, staging, …) as a badge. */
export function TierBadge({ tier }: { tier: string }) {
  return <span className={`badge badge-${tierTone(tier)}`}>{tier}</span>;
}
