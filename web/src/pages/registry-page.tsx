import { useId, useState } from 'react';
import { Link } from 'wouter';
import type { LiveEvent } from '../api/live-events.ts';
import type { RegistryRepository, RegistryTag } from '../api/registry-types.ts';
import { usePagedApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { DigestText } from '../components/digest-text.tsx';
import { PagedList } from '../components/paged-list.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { atLeast } from '../lib/access-level.ts';
import { shortDigest } from '../lib/digest.ts';
import { affectsRegistry, repositoryName, tagsOfSameImage } from '../lib/registry.ts';
import { useProject } from '../project-context.tsx';
import { useProjectAccess } from '../settings/use-project-access.ts';
import '../images.css';

const REPOSITORIES_PER_PAGE = 20;
const TAGS_PER_PAGE = 20;

/**
 * A project's container registry: its image repositories, each opened on demand (a lone one
 * opened at once) to its tags with their digests, when they were pushed and the environments
 * running each digest; maintainers delete tags. Both lists follow the project's jobs and
 * deployments live.
 */
export function RegistryPage() {
  const { project, api } = useProject();
  const liveWhen = (event: LiveEvent) => affectsRegistry(event, project.id);
  const list = usePagedApi<RegistryRepository>(`${api}/registry/repositories`, {
    perPage: REPOSITORIES_PER_PAGE,
    liveWhen,
  });
  return (
    <section aria-labelledby="registry-heading" className="stack">
      <div>
        <h2 id="registry-heading">Container registry</h2>
        <p className="muted registry-intro">
          Images the project's jobs pushed. A job pushes with{' '}
          <code>podman push $CI_REGISTRY_IMAGE/&lt;name&gt;:$CI_COMMIT_SHORT_SHA</code>, signed in with{' '}
          <code>$CI_REGISTRY_USER</code> and <code>$CI_REGISTRY_PASSWORD</code>.
        </p>
      </div>
      <PagedList list={list} empty="No images yet. A pipeline job that builds and pushes one adds it here.">
        {(items) => (
          <div className="stack">
            {items.map((repository) => (
              <Repository
                key={repository.id}
                repository={repository}
                openFirst={items.length === 1}
                liveWhen={liveWhen}
                onTagsChanged={list.reload}
              />
            ))}
          </div>
        )}
      </PagedList>
    </section>
  );
}

/** One repository: its name, tag count and location; opened, its tags. */
function Repository({
  repository,
  openFirst,
  liveWhen,
  onTagsChanged,
}: {
  repository: RegistryRepository;
  openFirst: boolean;
  liveWhen: (event: LiveEvent) => boolean;
  onTagsChanged: () => void;
}) {
  const [open, setOpen] = useState<boolean>();
  const expanded = open ?? openFirst;
  const ids = useId();
  const name = repositoryName(repository);
  return (
    <section className="card stack registry-repository" aria-labelledby={`${ids}-name`}>
      <div className="row">
        <h3 id={`${ids}-name`}>
          <button
            type="button"
            className="disclosure-toggle"
            aria-expanded={expanded}
            aria-controls={`${ids}-tags`}
            onClick={() => setOpen(!expanded)}
          >
            <span aria-hidden="true" className="registry-caret">
              {expanded ? '▾' : '▸'}
            </span>
            {name}
          </button>
        </h3>
        <span className="badge">
          {repository.tags_count} tag{repository.tags_count === 1 ? '' : 's'}
        </span>
        <span className="muted registry-created">
          created <TimeAgo iso={repository.created_at} />
        </span>
      </div>
      <p className="muted registry-location">
        Pull from <code>{repository.location}</code>
      </p>
      <div id={`${ids}-tags`}>
        {expanded && (
          <Tags repository={repository} name={name} liveWhen={liveWhen} onChanged={onTagsChanged} />
        )}
      </div>
    </section>
  );
}

function Tags({
  repository,
  name,
  liveWhen,
  onChanged,
}: {
  repository: RegistryRepository;
  name: string;
  liveWhen: (event: LiveEvent) => boolean;
  onChanged: () => void;
}) {
  const { api, base } = useProject();
  const { level } = useProjectAccess();
  const canDelete = atLeast(level, 'maintainer');
  const path = `${api}/registry/repositories/${repository.id}/tags`;
  const tags = usePagedApi<RegistryTag>(path, { perPage: TAGS_PER_PAGE, liveWhen });
  return (
    <PagedList list={tags} empty="No tags: every image of this repository was deleted.">
      {(items) => (
        <div className="table-wrap">
          <table aria-label={`Tags of ${name}`}>
            <thead>
              <tr>
                {/* What runs a tag before its long digest, so that a phone shows it without scrolling. */}
                <th>Tag</th>
                <th>Running in</th>
                <th>Digest</th>
                <th className="hide-small">Pushed</th>
                {canDelete && <ActionsHeading />}
              </tr>
            </thead>
            <tbody>
              {items.map((tag) => {
                const siblings = tagsOfSameImage(items, tag);
                return (
                  <tr key={tag.name} data-tag={tag.name}>
                    <td>
                      <code>{tag.name}</code>
                    </td>
                    <td>
                      {tag.environments.length === 0 ? (
                        <span className="muted">—</span>
                      ) : (
                        <span className="row">
                          {tag.environments.map((environment) => (
                            <Link key={environment.id} href={`${base}/environments/${environment.id}`}>
                              {environment.name}
                            </Link>
                          ))}
                        </span>
                      )}
                    </td>
                    <td>
                      <DigestText digest={tag.digest} />
                    </td>
                    <td className="hide-small">
                      <TimeAgo iso={tag.pushed_at} />
                    </td>
                    {canDelete && (
                      <td>
                        <DeleteButton
                          title={`Delete tag ${tag.name}?`}
                          path={`${path}/${encodeURIComponent(tag.name)}`}
                          onDeleted={() => {
                            tags.reload();
                            onChanged();
                          }}
                        >
                          <p>
                            Deletes the image of <code>{tag.location}</code> (
                            <code>{shortDigest(tag.digest)}</code>) from the registry
                            {siblings.length > 0 &&
                              `, and with it its other tags: ${siblings.map((sibling) => sibling.name).join(', ')}`}
                            .
                            {tag.environments.length > 0 &&
                              ` Environments running it (${tag.environments.map((environment) => environment.name).join(', ')}) go on running it, but a rollback or re-deploy that pulls it again fails.`}
                          </p>
                        </DeleteButton>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </PagedList>
  );
}
