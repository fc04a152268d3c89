import type { MavenTargetSettings } from '../api/host-target-types.ts';
import type { MavenTargetForm } from '../lib/maven-target-body.ts';
import { TextField } from './fields.tsx';
import { subFormSetter } from './sub-form.ts';

/** The Maven part of the target form: the repository's URL and its credentials. */
export function MavenTargetFields({
  values,
  onChange,
  editing,
}: {
  values: MavenTargetForm;
  onChange: (values: MavenTargetForm) => void;
  editing: boolean;
}) {
  const set = subFormSetter(values, onChange);
  return (
    <>
      <TextField
        label="Repository URL"
        type="url"
        value={values.url}
        onChange={set('url')}
        required
        placeholder="https://repo.example.com/releases"
        hint="Artifacts are published under it in the standard layout (group/artifact/version)."
      />
      <TextField label="Username" value={values.username} onChange={set('username')} />
      <TextField
        label="Password"
        type="password"
        value={values.password}
        onChange={set('password')}
        autoComplete="new-password"
        hint={`Stored encrypted and never shown again.${editing ? ' Leave empty to keep the stored one.' : ''}`}
      />
    </>
  );
}

/** A Maven target's repository and who publishes, as its row shows them. */
export function MavenTargetSummary({ maven }: { maven: MavenTargetSettings }) {
  return (
    <>
      <code>{maven.url}</code>
      <span className="muted">
        {maven.username ? `as ${maven.username}` : 'without a username'}
        {maven.password_set ? ', password set' : ''}
      </span>
    </>
  );
}
