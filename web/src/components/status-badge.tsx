import { statusLabel, statusTone } from '../lib/status-tone.ts';

/** A coloured pill naming a state; the text carries the meaning, the colour only repeats it. */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge badge-${statusTone(status)}`} data-status={status}>
      {label ?? statusLabel(status)}
    </span>
  );
}
