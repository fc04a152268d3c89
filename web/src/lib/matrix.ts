import type { MatrixRow } from '../api/matrix-types.ts';

/**
 * Pivots the what-runs-where rows (one per environment) into projects × environments.
 *
 * Columns are environment names, so `production` of every project lines up; environments inside a
 * folder (`review/feature-x`) share one column per folder (`review/…`), since review apps come and
 * go by the hundred and would otherwise each add a column. Columns run in promotion order by tier
 * (development, testing, staging, production, then other), by name within a tier.
 */

/** A column of the matrix: an environment name, or a folder of environments. */
export interface MatrixColumn {
  /** The environment name, or the folder followed by `/` (`review/`). */
  key: string;
  label: string;
  /** The tier most of the column's environments have. */
  tier: string;
  folder: boolean;
}

/** A project's row: its environments by column key (several in a folder column). */
export interface MatrixProject {
  id: number;
  path: string;
  cells: Map<string, MatrixRow[]>;
}

export interface Matrix {
  columns: MatrixColumn[];
  projects: MatrixProject[];
}

const TIER_ORDER = ['development', 'testing', 'staging', 'production', 'other'];

function tierRank(tier: string): number {
  const rank = TIER_ORDER.indexOf(tier);
  return rank === -1 ? TIER_ORDER.length : rank;
}

/** The column an environment goes in: its name, or `folder/` for a name with a folder. */
export function columnKey(environmentName: string): string {
  const slash = environmentName.indexOf('/');
  return slash === -1 ? environmentName : `${environmentName.slice(0, slash)}/`;
}

/** Builds the matrix of the rows given; projects keep the order of the rows (the API's: by path). */
export function buildMatrix(rows: readonly MatrixRow[]): Matrix {
  const projects = new Map<number, MatrixProject>();
  const tiers = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const key = columnKey(row.environment.name);
    let project = projects.get(row.project.id);
    if (!project) {
      project = { id: row.project.id, path: row.project.path_with_namespace, cells: new Map() };
      projects.set(row.project.id, project);
    }
    const cell = project.cells.get(key);
    if (cell) cell.push(row);
    else project.cells.set(key, [row]);
    const counts = tiers.get(key) ?? new Map<string, number>();
    counts.set(row.environment.tier, (counts.get(row.environment.tier) ?? 0) + 1);
    tiers.set(key, counts);
  }
  const columns: MatrixColumn[] = [...tiers].map(([key, counts]) => {
    const folder = key.endsWith('/');
    // The most common tier; ties go to the earlier tier in promotion order.
    const [tier] = [...counts].sort((a, b) => b[1] - a[1] || tierRank(a[0]) - tierRank(b[0]))[0]!;
    return { key, label: folder ? `${key}…` : key, tier, folder };
  });
  columns.sort((a, b) => tierRank(a.tier) - tierRank(b.tier) || a.key.localeCompare(b.key));
  return { columns, projects: [...projects.values()] };
}

/** What a cell of one environment shows. */
export interface CellSummary {
  /** What runs there: the tag, or the short commit id; null if nothing was ever deployed. */
  version: string | null;
  /** The full commit id and ref of what runs there, for a tooltip. */
  versionTitle: string | null;
  /** When what runs there finished deploying. */
  deployedAt: string | null;
  /** `success` while what runs there is current, else the environment's state (`stopped`, …). */
  status: string | null;
  /** The deployment that ran last when it is not what runs there (running now, or failed). */
  newer: { status: string; version: string; createdAt: string } | null;
}

function versionOf(deployment: { tag: boolean; ref: string; short_sha: string }): string {
  return deployment.tag ? deployment.ref : deployment.short_sha;
}

/** Summarises one environment's row for its cell. */
export function summarizeCell(row: MatrixRow): CellSummary {
  const { deployment, last_deployment: last, environment } = row;
  const status = environment.state !== 'available' ? environment.state : deployment ? 'success' : null;
  return {
    version: deployment ? versionOf(deployment) : null,
    versionTitle: deployment ? `${deployment.sha} (${deployment.ref})` : null,
    deployedAt: deployment?.finished_at ?? null,
    status,
    newer:
      last && last.id !== deployment?.id
        ? { status: last.status, version: versionOf(last), createdAt: last.created_at }
        : null,
  };
}
