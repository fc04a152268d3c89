import type { SshTargetSettings } from '../api/host-target-types.ts';
import { loginAuthText } from '../lib/host-target-check.ts';
import type { SshTargetForm } from '../lib/ssh-target-body.ts';
import { TextField } from './fields.tsx';
import { HostKeys } from './host-keys.tsx';
import { HostLoginFields } from './host-login-fields.tsx';
import { subFormSetter } from './sub-form.ts';

/**
 * The SSH part of the target form: the hosts releases go to, where they live, how many hosts switch
 * at once and how many releases are kept, and the login.
 */
export function SshTargetFields({
  values,
  onChange,
  editing,
}: {
  values: SshTargetForm;
  onChange: (values: SshTargetForm) => void;
  editing: boolean;
}) {
  const set = subFormSetter(values, onChange);
  return (
    <>
      <TextField
        label="Hosts"
        multiline
        rows={3}
        value={values.hosts}
        onChange={set('hosts')}
        required
        placeholder={'web1.example.com\nweb2.example.com:2222'}
        hint="One per line: host, host:port or [IPv6]:port."
      />
      <TextField
        label="Deploy to"
        value={values.deployTo}
        onChange={set('deployTo')}
        required
        placeholder="/srv/shop"
        hint="The absolute directory holding releases/ and the current symlink."
      />
      <TextField
        label="Parallelism"
        value={values.parallelism}
        onChange={set('parallelism')}
        placeholder="1"
        hint="How many hosts switch at once; empty for 1 (a rolling deploy)."
      />
      <TextField
        label="Releases kept"
        value={values.keepReleases}
        onChange={set('keepReleases')}
        placeholder="5"
        hint="On each host, for rollbacks; empty for 5."
      />
      <HostLoginFields values={values.login} onChange={set('login')} editing={editing} />
    </>
  );
}

/** An SSH target's hosts with their recorded keys, and its release settings, as its row shows them. */
export function SshTargetSummary({ ssh }: { ssh: SshTargetSettings }) {
  return (
    <>
      <HostKeys hosts={ssh.hosts} />
      <span className="muted">
        {ssh.user} → <code>{ssh.deploy_to}</code>,{' '}
        {ssh.parallelism === 1 ? 'one host at a time' : `${ssh.parallelism} hosts at a time`},{' '}
        {ssh.keep_releases} releases kept, {loginAuthText(ssh.auth)}
      </span>
    </>
  );
}
