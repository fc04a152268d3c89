import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { api } from '../api/api-client.ts';
import type { Project } from '../api/types.ts';
import { ErrorMessage } from '../components/error-message.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useAction } from '../components/use-action.ts';

/** Creates a hosted project (push to its clone URL) or a mirror of another repository. */
export function NewProjectPage() {
  const [, navigate] = useLocation();
  const [kind, setKind] = useState<'hosted' | 'mirror'>('hosted');
  const [path, setPath] = useState('');
  const [description, setDescription] = useState('');
  const [defaultBranch, setDefaultBranch] = useState('main');
  const [mirrorUrl, setMirrorUrl] = useState('');
  const [mirrorUsername, setMirrorUsername] = useState('');
  const [mirrorPassword, setMirrorPassword] = useState('');
  const submit = useAction(async () => {
    const project = await api<Project>('/projects', {
      method: 'POST',
      body: {
        path: path.trim(),
        default_branch: defaultBranch.trim(),
        ...(description.trim() && { description: description.trim() }),
        ...(kind === 'mirror' && {
          mirror_url: mirrorUrl.trim(),
          ...(mirrorUsername && { mirror_username: mirrorUsername }),
          ...(mirrorPassword && { mirror_password: mirrorPassword }),
        }),
      },
    });
    navigate(`/projects/${project.id}`);
  });

  return (
    <>
      <PageHeader title="New project" />
      <form
        className="form card"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          void submit.run();
        }}
      >
        <fieldset className="row fieldset-plain">
          <legend className="visually-hidden">Kind</legend>
          <label className="checkbox">
            <input type="radio" name="kind" checked={kind === 'hosted'} onChange={() => setKind('hosted')} />
            Hosted repository (push to Gantry)
          </label>
          <label className="checkbox">
            <input type="radio" name="kind" checked={kind === 'mirror'} onChange={() => setKind('mirror')} />
            Mirror of another repository
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor="project-path">Path</label>
          <input
            id="project-path"
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder="group/name"
            required
          />
          <span className="hint">
            Lower-case letters, digits, dots, dashes; one or more groups, then the name.
          </span>
        </div>
        <div className="field">
          <label htmlFor="project-description">Description</label>
          <input
            id="project-description"
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="project-branch">Default branch</label>
          <input
            id="project-branch"
            value={defaultBranch}
            onChange={(event) => setDefaultBranch(event.target.value)}
            required
          />
        </div>
        {kind === 'mirror' && (
          <>
            <div className="field">
              <label htmlFor="mirror-url">Repository URL</label>
              <input
                id="mirror-url"
                type="url"
                value={mirrorUrl}
                onChange={(event) => setMirrorUrl(event.target.value)}
                required
              />
            </div>
            <div className="field">
              <label htmlFor="mirror-username">Username (optional)</label>
              <input
                id="mirror-username"
                value={mirrorUsername}
                onChange={(event) => setMirrorUsername(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="mirror-password">Password or token (optional)</label>
              <input
                id="mirror-password"
                type="password"
                value={mirrorPassword}
                onChange={(event) => setMirrorPassword(event.target.value)}
              />
            </div>
          </>
        )}
        <ErrorMessage error={submit.error} />
        <div className="row">
          <button type="submit" className="button button-primary" disabled={submit.busy}>
            {submit.busy ? 'Creating…' : 'Create project'}
          </button>
        </div>
      </form>
    </>
  );
}
