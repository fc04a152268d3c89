import type { RecordedHost } from '../api/host-target-types.ts';
import { hostAddress } from '../lib/host-login-body.ts';
import '../host-targets.css';

/** What to compare recorded host keys with, on the host itself. */
export const HOST_KEY_HINT =
  "Compare these with the host's own: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub";

/** The hosts of a target with the SHA-256 fingerprints of the keys recorded for each. */
export function HostKeys({ hosts }: { hosts: Array<Pick<RecordedHost, 'host' | 'port' | 'fingerprints'>> }) {
  return (
    <ul className="host-keys" aria-label="Host keys">
      {hosts.map((host) => (
        <li key={hostAddress(host)}>
          <code>{hostAddress(host)}</code>
          {host.fingerprints.map((fingerprint) => (
            <code key={fingerprint} className="host-key">
              {fingerprint}
            </code>
          ))}
        </li>
      ))}
    </ul>
  );
}
