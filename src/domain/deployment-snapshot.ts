/**
 * What a deployment applied, recorded when it starts and never changed afterwards. Rollback and
 * re-deploy apply a snapshot again, so they never depend on old pipelines or job artifacts.
 * Secret values never appear here: CI/CD variables are identified by a keyed digest of the set
 * that applied (`variablesVersion`), so a rollback can say whether they changed since.
 */
export interface ScriptSnapshot {
  kind: 'script';
  sha: string;
  ref: string;
  tag: boolean;
  pipelineId: number | null;
  jobId: number | null;
  jobName: string;
  /** The job as planned (a `PlannedJob`, JSON): script, image, variables from the file, environment. */
  definition: unknown;
  /** Keyed digest of the CI/CD variables that applied; null when unknown (recorded by an API call). */
  variablesVersion: string | null;
}

/** Recorded for deployments made by external tools over the API: only the commit is known. */
export interface ExternalSnapshot {
  kind: 'external';
  sha: string;
  ref: string;
  tag: boolean;
}

export type DeploymentSnapshot = ScriptSnapshot | ExternalSnapshot;

/** Parses a stored snapshot; null for none. Throws on a snapshot of an unknown kind (a newer server wrote it). */
export function parseSnapshot(json: string | null): DeploymentSnapshot | null {
  if (json === null) return null;
  const value = JSON.parse(json) as { kind?: unknown };
  if (value.kind !== 'script' && value.kind !== 'external') {
    throw new Error(`deployment snapshot of unknown kind ${String(value.kind)}`);
  }
  return value as DeploymentSnapshot;
}
