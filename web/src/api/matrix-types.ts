/**
 * One row of `GET /environments/matrix`: an environment, what runs there (its last successful
 * deployment) and the deployment that ran last, whatever its status (running, failed).
 */
export interface MatrixRow {
  project: { id: number; path_with_namespace: string };
  environment: { id: number; name: string; tier: string; state: string };
  deployment: {
    id: number;
    iid: number;
    sha: string;
    short_sha: string;
    ref: string;
    tag: boolean;
    finished_at: string | null;
    user: { id: number; username: string } | null;
  } | null;
  last_deployment: {
    id: number;
    iid: number;
    status: string;
    sha: string;
    short_sha: string;
    ref: string;
    tag: boolean;
    created_at: string;
  } | null;
}
