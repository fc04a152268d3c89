import { Link } from 'wouter';
import type { AutoDeployRule } from '../api/settings-types.ts';
import { useApi } from '../api/use-api.ts';
import { DeleteButton } from '../components/action-button.tsx';
import { ActionsHeading } from '../components/actions-heading.tsx';
import { Loaded } from '../components/loading.tsx';
import { TimeAgo } from '../components/time-ago.tsx';
import { UserName } from '../components/user-name.tsx';
import { atLeast } from '../lib/access-level.ts';
import { useProject } from '../project-context.tsx';
import { SettingsSection } from './settings-section.tsx';

/**
 * Auto-deploy rules (branch → environment), made by the deploy dialog's "always deploy to this
 * environment": each new pipeline of the branch deploys there without a click. Developers remove them.
 */
export function AutoDeployRulesSection({ level }: { level: number | undefined }) {
  const { project: current, api: project, base } = useProject();
  const path = `${project}/auto_deploy_rules`;
  const state = useApi<AutoDeployRule[]>(path, {
    liveWhen: (event) => event.type === 'deployment' && event.project_id === current.id,
  });
  const mayRemove = atLeast(level, 'developer');
  return (
    <SettingsSection
      title="Auto-deploy rules"
      description='Each new pipeline of the branch deploys to the environment by itself. Rules are made by "Always deploy to this environment" in the deploy dialog.'
    >
      <Loaded state={state}>
        {(rules) =>
          rules.length === 0 ? (
            <div className="card empty">No auto-deploy rules: every deployment needs a click.</div>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Branch</th>
                    <th>Environment</th>
                    <th className="hide-small">Made by</th>
                    <th className="hide-small">Since</th>
                    {mayRemove && <ActionsHeading />}
                  </tr>
                </thead>
                <tbody>
                  {rules.map((rule) => (
                    <tr key={rule.id} data-auto-deploy-rule={rule.id}>
                      <td>
                        <code>{rule.ref}</code>
                      </td>
                      <td>
                        <Link href={`${base}/environments/${rule.environment.id}`}>
                          {rule.environment.name}
                        </Link>
                      </td>
                      <td className="hide-small">
                        <UserName id={rule.user_id} />
                      </td>
                      <td className="hide-small">
                        <TimeAgo iso={rule.created_at} />
                      </td>
                      {mayRemove && (
                        <td>
                          <div className="settings-actions">
                            <DeleteButton
                              label="Remove"
                              title={`Stop deploying ${rule.ref} to ${rule.environment.name} automatically?`}
                              path={`${path}/${rule.id}`}
                              onDeleted={state.reload}
                            >
                              <p>New pipelines of the branch then wait for someone to deploy them.</p>
                            </DeleteButton>
                          </div>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </SettingsSection>
  );
}
