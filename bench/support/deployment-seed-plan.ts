/**
 * What the deployments benchmark seeds, decided up front and deterministically (same sizes and
 * seed → same plan): environments spread over projects with realistic names, and the order in
 * which deployments go to them. Long-lived environments get many deployments, review apps few,
 * and deployments of different environments interleave in time (ids), as they do on a server.
 */

/** A fixed environment name every project gets first, and its share of deployments. */
const FIXED: ReadonlyArray<readonly [string, number]> = [
  ['production', 8],
  ['staging', 8],
  ['testing', 4],
  ['development', 4],
];
/** A review app's share of deployments, against the fixed environments' above. */
const REVIEW_WEIGHT = 1;

export interface PlannedEnvironment {
  /** Index of its project, 0 to projects − 1. */
  project: number;
  name: string;
  /** A stopped review app: its last deployment is a stop. */
  stopped: boolean;
}

export interface DeploymentSeedPlan {
  environments: PlannedEnvironment[];
  /** The environment index of each deployment, in id order. */
  order: Int32Array;
  /** Per environment, the position in `order` of its last deployment, or −1 when it has none. */
  lastOf: Int32Array;
}

/** A small seeded pseudo-random generator (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Plans `environments` environments over `projects` projects (round-robin, so each project gets
 * within one of the same number; each starts with production, staging, testing, development, then
 * `review/feature-NNN`) and `deployments` deployments over them by weight, shuffled in time.
 * About a third of the review apps are stopped.
 */
export function planDeploymentSeed(sizes: {
  projects: number;
  environments: number;
  deployments: number;
  seed?: number;
}): DeploymentSeedPlan {
  const { projects, environments: count, deployments } = sizes;
  if (projects < 1 || count < projects) throw new Error('need at least one environment per project');
  const random = seededRandom(sizes.seed ?? 42);
  const environments: PlannedEnvironment[] = [];
  const weights: number[] = [];
  const nextInProject = new Array<number>(projects).fill(0);
  for (let i = 0; i < count; i++) {
    const project = i % projects;
    const slot = nextInProject[project]!++;
    const fixed = FIXED[slot];
    if (fixed) {
      environments.push({ project, name: fixed[0], stopped: false });
      weights.push(fixed[1]);
    } else {
      const number = String(slot - FIXED.length + 1).padStart(3, '0');
      environments.push({ project, name: `review/feature-${number}`, stopped: random() < 1 / 3 });
      weights.push(REVIEW_WEIGHT);
    }
  }
  // Largest-remainder apportionment: the counts add up to exactly `deployments`.
  const total = weights.reduce((sum, w) => sum + w, 0);
  const exact = weights.map((w) => (deployments * w) / total);
  const counts = exact.map(Math.floor);
  let left = deployments - counts.reduce((sum, c) => sum + c, 0);
  const byRemainder = exact
    .map((value, i) => [value - Math.floor(value), i] as const)
    .sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  const order = new Int32Array(deployments);
  let at = 0;
  counts.forEach((n, environment) => {
    order.fill(environment, at, at + n);
    at += n;
  });
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  const lastOf = new Int32Array(count).fill(-1);
  order.forEach((environment, position) => {
    lastOf[environment] = position;
  });
  return { environments, order, lastOf };
}
