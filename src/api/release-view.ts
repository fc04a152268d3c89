import { Type } from 'typebox';
import type { Release } from '../services/release-service.ts';
import type { ReleaseLinkRow, TagDeployment } from '../store/repositories/release-repository.ts';

const Timestamp = Type.String({ format: 'date-time' });
const LinkType = Type.Union([
  Type.Literal('other'),
  Type.Literal('runbook'),
  Type.Literal('image'),
  Type.Literal('package'),
]);

/** A release's asset link, as GitLab's API shows it (`direct_asset_url` is the URL itself here). */
export const ReleaseLinkView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  direct_asset_url: Type.String(),
  link_type: LinkType,
});

export const releaseLinkView = (link: ReleaseLinkRow) => ({
  id: link.id,
  name: link.name,
  url: link.url,
  direct_asset_url: link.url,
  link_type: link.link_type as 'other' | 'runbook' | 'image' | 'package',
});

/** A deployment of a release's tag. */
export const ReleaseDeploymentView = Type.Object({
  id: Type.Integer(),
  iid: Type.Integer(),
  ref: Type.String(),
  sha: Type.String(),
  status: Type.String(),
  created_at: Timestamp,
  finished_at: Type.Union([Timestamp, Type.Null()]),
  environment: Type.Object({ id: Type.Integer(), name: Type.String() }),
});

const releaseDeploymentView = (deployment: TagDeployment) => ({
  id: deployment.id,
  iid: deployment.iid,
  ref: deployment.ref,
  sha: deployment.sha,
  status: deployment.status,
  created_at: deployment.created_at,
  finished_at: deployment.finished_at,
  environment: { id: deployment.environment.id, name: deployment.environment.name },
});

/**
 * A release as GitLab's API shows it, plus `deployments`: the newest deployments (at most 20) of
 * its tag. `author` is null once its user is deleted.
 */
export const ReleaseView = Type.Object({
  tag_name: Type.String(),
  name: Type.String(),
  description: Type.String(),
  created_at: Timestamp,
  released_at: Timestamp,
  upcoming_release: Type.Boolean(),
  author: Type.Union([
    Type.Object({ id: Type.Integer(), username: Type.String(), name: Type.String() }),
    Type.Null(),
  ]),
  commit: Type.Object({ id: Type.String(), short_id: Type.String() }),
  assets: Type.Object({ links: Type.Array(ReleaseLinkView) }),
  deployments: Type.Array(ReleaseDeploymentView),
});

export const releaseView = (release: Release, now = new Date().toISOString()) => ({
  tag_name: release.tag_name,
  name: release.name,
  description: release.description,
  created_at: release.created_at,
  released_at: release.released_at,
  upcoming_release: release.released_at > now,
  author: release.author,
  commit: { id: release.sha, short_id: release.sha.slice(0, 8) },
  assets: { links: release.links.map(releaseLinkView) },
  deployments: release.deployments.map(releaseDeploymentView),
});
