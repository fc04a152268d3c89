/**
 * The shapes the UI reads from `/api/v1` (see docs/api.md and `/api/v1/openapi.json`), only the
 * fields it uses. Pages add the types of the resources they show here.
 */
export interface User {
  id: number;
  username: string;
  name: string;
  email: string | null;
  is_admin: boolean;
  state: string;
  created_at: string;
}

export interface Project {
  id: number;
  name: string;
  path: string;
  path_with_namespace: string;
  description: string;
  default_branch: string;
  http_url_to_repo: string;
  web_url: string;
  mirror: boolean;
  mirror_url: string | null;
  mirror_last_fetched_at: string | null;
  mirror_last_error: string | null;
  created_at: string;
  last_activity_at: string;
}

export interface Pipeline {
  id: number;
  iid: number;
  project_id: number;
  sha: string;
  ref: string;
  tag: boolean;
  status: string;
  source: string;
  name: string | null;
  user_id: number | null;
  yaml_errors: string | null;
  errors: { file?: string; line?: number; column?: number; message: string }[];
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration: number | null;
}

export interface Deployment {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: string;
  action?: string;
  created_at: string;
  updated_at?: string;
  finished_at?: string | null;
  user?: { id: number; username: string; name: string } | null;
  [field: string]: unknown;
}

export interface Environment {
  id: number;
  name: string;
  slug: string;
  external_url: string | null;
  state: string;
  tier: string;
  folder: string | null;
  kubernetes_namespace: string | null;
  auto_stop_at: string | null;
  created_at: string;
  updated_at: string;
  last_deployment: Deployment | null;
}
