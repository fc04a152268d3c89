import type { HostLoginForm } from '../lib/host-login-body.ts';
import { CheckboxField, SelectField, TextField } from './fields.tsx';
import { subFormSetter } from './sub-form.ts';

/**
 * How a target logs in to its hosts over SSH (SSH, SFTP and Ansible targets): user, default port,
 * a private key or a password (write-only: on edit, blank keeps the stored one), known_hosts lines
 * or none (the keys are then read from the hosts on save), and on edit, accepting the keys the
 * hosts show now.
 */
export function HostLoginFields({
  values,
  onChange,
  editing,
}: {
  values: HostLoginForm;
  onChange: (values: HostLoginForm) => void;
  editing: boolean;
}) {
  const set = subFormSetter(values, onChange);
  const kept = editing ? ' Leave empty to keep the stored one.' : '';
  return (
    <>
      <TextField label="User" value={values.user} onChange={set('user')} required placeholder="deploy" />
      <TextField
        label="Port"
        value={values.port}
        onChange={set('port')}
        placeholder="22"
        hint="For hosts given without one; empty for 22."
      />
      <SelectField
        label="Credentials"
        value={values.credential}
        onChange={set('credential')}
        choices={[
          { value: 'private_key', label: 'Private key' },
          { value: 'password', label: 'Password' },
        ]}
      />
      {values.credential === 'private_key' ? (
        <TextField
          label="Private key"
          multiline
          rows={6}
          value={values.privateKey}
          onChange={set('privateKey')}
          placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
          hint={`OpenSSH or PEM format, without a passphrase; stored encrypted and never shown again.${kept}`}
        />
      ) : (
        <TextField
          label="Password"
          type="password"
          value={values.password}
          onChange={set('password')}
          autoComplete="new-password"
          hint={`Stored encrypted and never shown again.${kept}`}
        />
      )}
      <TextField
        label="Known hosts"
        multiline
        rows={3}
        value={values.knownHosts}
        onChange={set('knownHosts')}
        placeholder="[web1.example.com]:22 ssh-ed25519 AAAA…"
        hint={
          editing
            ? 'Leave empty to keep the recorded keys.'
            : "Optional: the hosts' keys as known_hosts lines. Empty: read from the hosts when saved, shown for you to compare."
        }
      />
      {editing && (
        <CheckboxField
          label="Accept the hosts' current keys"
          checked={values.rescanHostKeys}
          onChange={set('rescanHostKeys')}
          hint="Only after a planned change of host key: a host whose key changed is otherwise refused."
        />
      )}
    </>
  );
}
