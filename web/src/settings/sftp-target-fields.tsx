import type { SftpTargetSettings } from '../api/host-target-types.ts';
import { loginAuthText, sftpModeText } from '../lib/host-target-check.ts';
import type { SftpTargetForm } from '../lib/sftp-target-body.ts';
import { TextField } from './fields.tsx';
import { HostKeys } from './host-keys.tsx';
import { HostLoginFields } from './host-login-fields.tsx';
import { subFormSetter } from './sub-form.ts';

/** The SFTP part of the target form: the server, the directory files go to, releases kept, the login. */
export function SftpTargetFields({
  values,
  onChange,
  editing,
}: {
  values: SftpTargetForm;
  onChange: (values: SftpTargetForm) => void;
  editing: boolean;
}) {
  const set = subFormSetter(values, onChange);
  return (
    <>
      <TextField
        label="Host"
        value={values.host}
        onChange={set('host')}
        required
        placeholder="files.example.com"
      />
      <TextField
        label="Remote directory"
        value={values.remoteDir}
        onChange={set('remoteDir')}
        required
        placeholder="/srv/www"
        hint="Holds releases/ and current where the server allows renames, else the files themselves; relative to the login directory unless absolute."
      />
      <TextField
        label="Releases kept"
        value={values.keepReleases}
        onChange={set('keepReleases')}
        placeholder="5"
        hint="Empty for 5."
      />
      <HostLoginFields values={values.login} onChange={set('login')} editing={editing} />
    </>
  );
}

/** An SFTP target's server with its recorded keys and directory, as its row shows them. */
export function SftpTargetSummary({ sftp }: { sftp: SftpTargetSettings }) {
  return (
    <>
      <HostKeys hosts={[sftp]} />
      <span className="muted">
        {sftp.user} → <code>{sftp.remote_dir}</code>, {sftp.keep_releases} releases kept,{' '}
        {loginAuthText(sftp.auth)}; {sftpModeText(sftp.mode)}
      </span>
    </>
  );
}
