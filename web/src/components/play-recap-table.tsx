import type { PlayRecapLine } from '../api/host-target-types.ts';

const COUNTS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;
/** On a phone only the counts that decide success stay in view (the rest scroll). */
const DECISIVE = new Set<string>(['ok', 'changed', 'unreachable', 'failed']);

/** An Ansible play's recap: one row per host with its task counts, as `ansible-playbook` printed them. */
export function PlayRecapTable({ recap }: { recap: PlayRecapLine[] }) {
  return (
    <div className="table-wrap">
      <table aria-label="Play recap">
        <thead>
          <tr>
            <th>Host</th>
            {COUNTS.map((count) => (
              <th key={count} className={DECISIVE.has(count) ? undefined : 'hide-small'}>
                {count}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {recap.map((line) => (
            <tr key={line.host}>
              <td>
                <code>{line.host}</code>
              </td>
              {COUNTS.map((count) => (
                <td key={count} className={DECISIVE.has(count) ? undefined : 'hide-small'}>
                  {(count === 'failed' || count === 'unreachable') && line[count] > 0 ? (
                    <span className="badge badge-danger">{line[count]}</span>
                  ) : (
                    line[count]
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
