import { useState } from 'react';
import { Link } from 'wouter';
import { api } from '../api/api-client.ts';
import type { EnvironmentDetails } from '../api/environment-types.ts';
import type { RebuildPipelines } from '../api/rebuild-types.ts';
import { rebuildOutcome } from '../lib/rebuild-schedule.ts';
import { shortSha } from '../lib/short-sha.ts';
import { useProject } from '../project-context.tsx';
import { ConfirmButton } from './action-button.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import '../images.css';

/** What rebuilding does, the same for one environment and for all. */
const REBUILD_EXPLAINED =
  'with GANTRY_REBUILD=1 and no build cache, so its images are built afresh (picking up a fixed base image), then deploys them. Approvals, freezes and locks apply as to any deployment.';

/**
 * Rebuilds what an environment runs, confirmed: the pipeline runs again at the deployed commit and
 * deploys the fresh images. Shown only when something was deployed; says which pipeline started.
 */
export function RebuildButton({
  environment,
  onRebuilt,
}: {
  environment: EnvironmentDetails;
  onRebuilt?: () => void;
}) {
  const { api: projectApi } = useProject();
  const [open, setOpen] = useState(false);
  const [started, setStarted] = useState<RebuildPipelines>();
  const current = environment.last_successful_deployment;
  if (!current) return null;
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        Rebuild
      </button>
      <ConfirmDialog
        open={open}
        title={`Rebuild ${environment.name}?`}
        confirmLabel="Rebuild"
        onConfirm={async () => {
          setStarted(
            await api<RebuildPipelines>(`${projectApi}/environments/${environment.id}/rebuild`, {
              method: 'POST',
            }),
          );
          onRebuilt?.();
        }}
        onClose={() => setOpen(false)}
      >
        {/* Only while open: the commit would otherwise be on the page twice, once unseen. */}
        {open && (
          <p>
            Runs the pipeline again at the deployed commit <code>{shortSha(current.sha)}</code> on{' '}
            <code>{current.ref}</code> {REBUILD_EXPLAINED}
          </p>
        )}
      </ConfirmDialog>
      {started && <RebuildStarted pipelines={started} />}
    </>
  );
}

/** Rebuilds every environment of the project that runs a deployment, confirmed. */
export function RebuildAllButton() {
  const { api: projectApi } = useProject();
  const [started, setStarted] = useState<RebuildPipelines>();
  return (
    <>
      <ConfirmButton
        label="Rebuild all"
        title="Rebuild every environment?"
        onConfirm={async () =>
          setStarted(await api<RebuildPipelines>(`${projectApi}/rebuild`, { method: 'POST', body: {} }))
        }
      >
        <p>
          For each environment that runs a deployment, runs the pipeline again at its deployed commit{' '}
          {REBUILD_EXPLAINED}
        </p>
      </ConfirmButton>
      {started && <RebuildStarted pipelines={started} />}
    </>
  );
}

/** The pipelines a rebuild started, linked. */
export function RebuildStarted({ pipelines }: { pipelines: RebuildPipelines }) {
  const { base } = useProject();
  return (
    <span role="status" className="rebuild-started">
      {rebuildOutcome(pipelines.length)}
      {pipelines.map((pipeline) => (
        <Link key={pipeline.id} href={`${base}/pipelines/${pipeline.id}`}>
          #{pipeline.iid}
        </Link>
      ))}
    </span>
  );
}
