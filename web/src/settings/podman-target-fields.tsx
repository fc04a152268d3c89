import type { PodmanTargetSettings } from '../api/podman-types.ts';
import type { PodmanTargetForm } from '../lib/podman-target-body.ts';
import { podmanHostText } from '../lib/podman-target-body.ts';
import { CheckboxField, SelectField, TextField } from './fields.tsx';

/**
 * The Podman part of the "add target" form: which host (the Gantry server's own, or a Podman
 * service over SSH or a unix socket, with its key), and the settings some hosts need to run
 * containers at all (runtime, cgroup manager, rlimits), where ports are published and whether pulls
 * need verified HTTPS.
 */
export function PodmanTargetFields({
  values,
  onChange,
}: {
  values: PodmanTargetForm;
  onChange: (values: PodmanTargetForm) => void;
}) {
  const set =
    <K extends keyof PodmanTargetForm>(key: K) =>
    (value: PodmanTargetForm[K]) =>
      onChange({ ...values, [key]: value });
  return (
    <>
      <SelectField
        label="Host"
        value={values.host}
        onChange={set('host')}
        choices={[
          { value: 'local', label: "This Gantry server's host" },
          { value: 'remote', label: 'Another host (ssh:// or unix://)' },
        ]}
      />
      {values.host === 'remote' && (
        <>
          <TextField
            label="Podman URL"
            value={values.url}
            onChange={set('url')}
            required
            placeholder="ssh://deploy@web1.example.com/run/podman/podman.sock"
            hint="As podman --url takes it: ssh://user@host[:port]/path/to/podman.sock, or unix:///path/to/podman.sock."
          />
          {values.url.trim().startsWith('ssh://') && (
            <TextField
              label="SSH private key"
              multiline
              rows={6}
              value={values.sshKey}
              onChange={set('sshKey')}
              hint="Stored encrypted and never shown again."
            />
          )}
        </>
      )}
      <TextField
        label="OCI runtime"
        value={values.runtime}
        onChange={set('runtime')}
        placeholder="runc"
        hint="Empty for runc."
      />
      <SelectField
        label="Cgroup manager"
        value={values.cgroupManager}
        onChange={set('cgroupManager')}
        choices={[
          { value: 'cgroupfs', label: 'cgroupfs' },
          { value: 'systemd', label: 'systemd' },
          { value: '', label: "Podman's choice" },
        ]}
      />
      <TextField
        label="Ulimits"
        value={values.ulimits}
        onChange={set('ulimits')}
        placeholder="nofile=1024:1024, nproc=4096:4096"
        hint="Default rlimits of every container, name=soft[:hard]; empty for the ones shown."
      />
      <TextField
        label="Publish address"
        value={values.publishAddress}
        onChange={set('publishAddress')}
        placeholder="127.0.0.1"
        hint="The address container ports are published on; 0.0.0.0 for every address."
      />
      <CheckboxField
        label="Pull over verified HTTPS only"
        checked={values.tlsVerify}
        onChange={set('tlsVerify')}
        hint="Untick for registries served over plain HTTP or with a self-signed certificate."
      />
    </>
  );
}

/** What a successful Podman host check reported, in words. */
export function podmanConnectedText(podman: Pick<PodmanTargetSettings, 'version'>): string {
  return podman.version ? `the host answered (Podman ${podman.version})` : 'the host answered';
}

/** A Podman target's host and settings, as its row in the targets list shows them. */
export function PodmanTargetSummary({ podman }: { podman: PodmanTargetSettings }) {
  return (
    <>
      {podman.url ? <code>{podman.url}</code> : <span>{podmanHostText(podman)}</span>}
      <span className="muted">
        Podman{podman.version && ` ${podman.version}`}, {podman.runtime || 'default runtime'},{' '}
        {podman.cgroup_manager || "Podman's cgroup manager"}, ports on {podman.publish_address}
        {!podman.tls_verify && ', pulls without TLS verification'}
      </span>
    </>
  );
}
