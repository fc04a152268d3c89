/** An asset link of a release. */
export interface ReleaseLink {
  id: number;
  name: string;
  url: string;
  direct_asset_url: string;
  link_type: 'other' | 'runbook' | 'image' | 'package';
}

/** A deployment of a release's tag, as the release view lists it (newest first, at most 20). */
export interface ReleaseDeployment {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: string;
  created_at: string;
  finished_at: string | null;
  environment: { id: number; name: string };
}

/** A release (`GET /projects/:id/releases[/:tag_name]`); `description` is Markdown. */
export interface Release {
  tag_name: string;
  name: string;
  description: string;
  created_at: string;
  released_at: string;
  upcoming_release: boolean;
  author: { id: number; username: string; name: string } | null;
  commit: { id: string; short_id: string };
  assets: { links: ReleaseLink[] };
  deployments: ReleaseDeployment[];
}
