import { useId, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { EnvironmentDetails } from '../api/environment-types.ts';
import { useProject } from '../project-context.tsx';
import { ConfirmButton } from './action-button.tsx';
import { DeployButton } from './deploy-dialog.tsx';
import { RebuildButton } from './rebuild-button.tsx';

/**
 * What a developer can do to an environment from its page: deploy to it (the deploy dialog),
 * rebuild what it runs and stop it, confirmed; `onChanged` refetches the environment afterwards.
 */
export function EnvironmentActions({
  environment,
  onChanged,
}: {
  environment: EnvironmentDetails;
  onChanged: () => void;
}) {
  const { api: projectApi } = useProject();
  const forceId = useId();
  const [force, setForce] = useState(false);
  return (
    <div className="row">
      <DeployButton primary environment={environment} onDeployed={onChanged} />
      <RebuildButton environment={environment} onRebuilt={onChanged} />
      {environment.state !== 'stopped' && (
        <ConfirmButton
          label="Stop environment"
          title={`Stop ${environment.name}?`}
          confirmLabel="Stop"
          danger
          onConfirm={async () => {
            await api(`${projectApi}/environments/${environment.id}/stop`, {
              method: 'POST',
              body: force ? { force: true } : {},
            });
            onChanged();
          }}
        >
          <p>
            Runs the environment's stop job (its <code>on_stop</code> job) and leaves it stopping until that
            job ends; without a stop job, the environment is stopped at once.
          </p>
          <label className="checkbox" htmlFor={forceId}>
            <input
              id={forceId}
              type="checkbox"
              checked={force}
              onChange={(event) => setForce(event.target.checked)}
            />
            Mark it stopped at once, without running the stop job
          </label>
        </ConfirmButton>
      )}
    </div>
  );
}
