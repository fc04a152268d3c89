import type { AnsibleTargetSettings } from '../api/host-target-types.ts';
import type { AnsibleTargetForm } from '../lib/ansible-target-body.ts';
import { loginAuthText } from '../lib/host-target-check.ts';
import { TextField } from './fields.tsx';
import { HostKeys } from './host-keys.tsx';
import { HostLoginFields } from './host-login-fields.tsx';
import { subFormSetter } from './sub-form.ts';

/** The Ansible part of the target form: the inventory's hosts and how the play logs in to them. */
export function AnsibleTargetFields({
  values,
  onChange,
  editing,
}: {
  values: AnsibleTargetForm;
  onChange: (values: AnsibleTargetForm) => void;
  editing: boolean;
}) {
  const set = subFormSetter(values, onChange);
  return (
    <>
      <TextField
        label="Inventory hosts"
        multiline
        rows={3}
        value={values.hosts}
        onChange={set('hosts')}
        required
        placeholder={'web1=10.0.0.5\ndb.example.com:2222'}
        hint="One per line: host[:port], or name=host[:port] to give it an inventory name."
      />
      <HostLoginFields values={values.login} onChange={set('login')} editing={editing} />
    </>
  );
}

/** An Ansible target's inventory with each host's recorded keys, as its row shows it. */
export function AnsibleTargetSummary({ ansible }: { ansible: AnsibleTargetSettings }) {
  return (
    <>
      <HostKeys hosts={ansible.hosts} />
      <span className="muted">
        inventory of {ansible.hosts.length} {ansible.hosts.length === 1 ? 'host' : 'hosts'} (
        {ansible.hosts.map((host) => host.name).join(', ')}), as {ansible.user}, {loginAuthText(ansible.auth)}
      </span>
    </>
  );
}
