import type { DeployedSummary } from '../lib/deployed-summary.ts';
import { DeployedFiles } from './deployed-files.tsx';
import { PlayRecapTable } from './play-recap-table.tsx';
import '../host-targets.css';

/**
 * What a deployment to hosts, a bucket, a repository or a playbook put where: its facts (release,
 * directory, bucket, coordinates, playbook), the hosts it went to with the release each replaced,
 * the files (folded), and an Ansible play's recap.
 */
export function WhatWasDeployed({ summary }: { summary: DeployedSummary }) {
  return (
    <div className="stack">
      <dl className="environment-facts">
        {summary.facts.map((fact) => (
          <div key={fact.label}>
            <dt>{fact.label}</dt>
            <dd>{fact.code ? <code>{fact.value}</code> : fact.value}</dd>
          </div>
        ))}
        {summary.hosts.length > 0 && (
          <div>
            <dt>Hosts</dt>
            <dd>
              <ul className="deployed-hosts">
                {summary.hosts.map((host) => (
                  <li key={host.address}>
                    <code>{host.address}</code> <span className="muted">{host.previous}</span>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        )}
      </dl>
      {summary.filesText !== '' && <DeployedFiles files={summary.files} summary={summary.filesText} />}
      {summary.recap.length > 0 && <PlayRecapTable recap={summary.recap} />}
    </div>
  );
}
