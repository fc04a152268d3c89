import { useEffect, useId, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { DeploymentRecord } from '../api/environment-types.ts';
import type { Environment, Pipeline } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { type DeploySourceKind, deployRequest } from '../lib/deploy-request.ts';
import { shortSha } from '../lib/short-sha.ts';
import { useProject } from '../project-context.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';

const SOURCES: { kind: DeploySourceKind; label: string; field: string }[] = [
  { kind: 'ref', label: 'Branch or tag', field: 'Branch or tag name' },
  { kind: 'sha', label: 'Commit', field: 'Commit id' },
  { kind: 'pipeline', label: 'Pipeline', field: 'Pipeline to deploy' },
];

export interface DeployDialogProps {
  open: boolean;
  onClose: () => void;
  /** API prefix of the project (`/projects/3`). */
  projectApi: string;
  /** The ref offered first: the project's default branch. */
  defaultRef: string;
  /** The environment to deploy to; without it the dialog asks for one by name. */
  environment?: { id: number; name: string } | undefined;
  /** Where the deployment comes from when the dialog opens (a pipeline page passes its pipeline). */
  initialSource?: { kind: DeploySourceKind; value: string } | undefined;
  /** Told of the deployment the API created. */
  onDeployed?: ((deployment: DeploymentRecord) => void) | undefined;
}

/**
 * Deploys a ref, a commit or a pipeline to an environment (`POST …/environments/:id/deploy`): the
 * pipeline's job for that environment runs, played if manual, retried if it ended. "Always deploy
 * to this environment" also creates the auto-deploy rule, so later successful pipelines of the
 * branch deploy there by themselves. The API's errors are shown in the dialog, which stays open.
 */
export function DeployDialog({
  open,
  onClose,
  projectApi,
  defaultRef,
  environment,
  initialSource,
  onDeployed,
}: DeployDialogProps) {
  const ids = useId();
  const [environmentName, setEnvironmentName] = useState('');
  const [kind, setKind] = useState<DeploySourceKind>(initialSource?.kind ?? 'ref');
  const [values, setValues] = useState<Record<DeploySourceKind, string>>({
    ref: defaultRef,
    sha: '',
    pipeline: '',
    ...(initialSource && { [initialSource.kind]: initialSource.value }),
  });
  const [always, setAlways] = useState(false);
  useEffect(() => {
    if (open) setAlways(false);
  }, [open]);

  const pipelines = useApi<Pipeline[]>(open ? `${projectApi}/pipelines?per_page=20` : null);
  const search = environmentName.trim();
  const suggestions = useApi<Environment[]>(
    open && !environment
      ? `${projectApi}/environments?per_page=20${search ? `&search=${encodeURIComponent(search)}` : ''}`
      : null,
  );
  const recentRefs = [...new Set((pipelines.data ?? []).map((pipeline) => pipeline.ref))];

  const deploy = async () => {
    const body = deployRequest(kind, values[kind], always);
    const target = environment ?? (await environmentNamed(projectApi, environmentName));
    const deployment = await api<DeploymentRecord>(`${projectApi}/environments/${target.id}/deploy`, {
      method: 'POST',
      body,
    });
    onDeployed?.(deployment);
  };

  const setValue = (value: string) => setValues((previous) => ({ ...previous, [kind]: value }));
  return (
    <ConfirmDialog
      open={open}
      title={environment ? `Deploy to ${environment.name}` : 'Deploy'}
      confirmLabel="Deploy"
      onConfirm={deploy}
      onClose={onClose}
    >
      {!environment && (
        <div className="field">
          <label htmlFor={`${ids}-environment`}>Environment</label>
          <input
            id={`${ids}-environment`}
            type="text"
            list={`${ids}-environments`}
            autoComplete="off"
            value={environmentName}
            placeholder="staging"
            onChange={(event) => setEnvironmentName(event.target.value)}
          />
          <datalist id={`${ids}-environments`}>
            {(suggestions.data ?? []).map((item) => (
              <option key={item.id} value={item.name} />
            ))}
          </datalist>
          <span className="hint">
            A pipeline job with <code>environment:</code> creates an environment; deploy to one it names.
          </span>
        </div>
      )}
      <fieldset className="fieldset-plain">
        <legend>Deploy from</legend>
        <div className="row">
          {SOURCES.map((source) => (
            <label key={source.kind} className="checkbox">
              <input
                type="radio"
                name={`${ids}-source`}
                value={source.kind}
                checked={kind === source.kind}
                onChange={() => setKind(source.kind)}
              />
              {source.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${ids}-value`}>{SOURCES.find((source) => source.kind === kind)?.field}</label>
        {kind === 'pipeline' ? (
          <select
            id={`${ids}-value`}
            value={values.pipeline}
            onChange={(event) => setValue(event.target.value)}
          >
            <option value="">Choose a pipeline…</option>
            {(pipelines.data ?? []).map((pipeline) => (
              <option key={pipeline.id} value={pipeline.id}>
                #{pipeline.iid} · {pipeline.ref} · {shortSha(pipeline.sha)} · {pipeline.status}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={`${ids}-value`}
            type="text"
            className="mono"
            autoComplete="off"
            list={kind === 'ref' ? `${ids}-refs` : undefined}
            value={values[kind]}
            placeholder={kind === 'ref' ? defaultRef : '40-digit commit id'}
            onChange={(event) => setValue(event.target.value)}
          />
        )}
        <datalist id={`${ids}-refs`}>
          {recentRefs.map((ref) => (
            <option key={ref} value={ref} />
          ))}
        </datalist>
        <span className="hint">
          {kind === 'ref'
            ? "Deploys the head commit of the branch or tag, using that commit's pipeline."
            : kind === 'sha'
              ? "Deploys that commit, using its pipeline's deploy job."
              : "Runs that pipeline's deploy job for this environment."}
        </span>
      </div>
      <div className="field">
        <label className="checkbox">
          <input type="checkbox" checked={always} onChange={(event) => setAlways(event.target.checked)} />
          Always deploy to this environment
        </label>
        <span className="hint">
          Creates an auto-deploy rule: every later successful pipeline of this branch deploys here with no
          click. Remove it under Settings.
        </span>
      </div>
    </ConfirmDialog>
  );
}

/** The environment named `name`, or an error saying how environments come to exist. */
async function environmentNamed(projectApi: string, name: string): Promise<{ id: number; name: string }> {
  const wanted = name.trim();
  if (!wanted) throw new Error('Enter the environment to deploy to.');
  const [found] = await api<Environment[]>(`${projectApi}/environments?name=${encodeURIComponent(wanted)}`);
  if (!found) {
    throw new Error(
      `There is no environment named ${wanted}. A pipeline job with "environment: ${wanted}" creates it when it runs; push one first.`,
    );
  }
  return found;
}

/**
 * A button opening the {@link DeployDialog} for the project of the page (inside `ProjectLayout`).
 * `onDeployed` hears of the deployment made, e.g. to go to its environment.
 */
export function DeployButton({
  environment,
  label = 'Deploy',
  primary,
  small,
  onDeployed,
}: {
  environment?: { id: number; name: string };
  label?: string;
  primary?: boolean;
  small?: boolean;
  onDeployed?: (deployment: DeploymentRecord) => void;
}) {
  const { project, api: projectApi } = useProject();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`button${primary ? ' button-primary' : ''}${small ? ' button-small' : ''}`}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      <DeployDialog
        open={open}
        onClose={() => setOpen(false)}
        projectApi={projectApi}
        defaultRef={project.default_branch}
        environment={environment}
        onDeployed={onDeployed}
      />
    </>
  );
}
