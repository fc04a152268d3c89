import type { Target } from '../api/settings-types.ts';
import type { EditableKind, TargetForm } from '../lib/target-body.ts';
import { AnsibleTargetFields, AnsibleTargetSummary } from './ansible-target-fields.tsx';
import { MavenTargetFields, MavenTargetSummary } from './maven-target-fields.tsx';
import { S3TargetFields, S3TargetSummary } from './s3-target-fields.tsx';
import { SftpTargetFields, SftpTargetSummary } from './sftp-target-fields.tsx';
import { SshTargetFields, SshTargetSummary } from './ssh-target-fields.tsx';

/** The kinds of targets beyond containers, as the kind select names them. */
export const HOST_TARGET_KIND_CHOICES: readonly { value: EditableKind; label: string }[] = [
  { value: 'ssh', label: 'SSH hosts (releases)' },
  { value: 'sftp', label: 'SFTP server' },
  { value: 's3', label: 'S3 bucket' },
  { value: 'maven', label: 'Maven repository' },
  { value: 'ansible', label: 'Ansible inventory' },
];

/** What a target of one of these kinds is, in the list's words. */
export function hostTargetKindName(kind: string): string | undefined {
  return HOST_TARGET_KIND_CHOICES.find((choice) => choice.value === kind)?.label.replace(/ \(.*\)$/, '');
}

/** The settings fields of the chosen kind, for the add form (`editing` false) and the edit dialog. */
export function HostTargetKindFields({
  kind,
  values,
  set,
  editing,
}: {
  kind: EditableKind;
  values: TargetForm;
  set: <K extends keyof TargetForm>(key: K) => (value: TargetForm[K]) => void;
  editing: boolean;
}) {
  switch (kind) {
    case 'ssh':
      return <SshTargetFields values={values.ssh} onChange={set('ssh')} editing={editing} />;
    case 'sftp':
      return <SftpTargetFields values={values.sftp} onChange={set('sftp')} editing={editing} />;
    case 's3':
      return <S3TargetFields values={values.s3} onChange={set('s3')} editing={editing} />;
    case 'maven':
      return <MavenTargetFields values={values.maven} onChange={set('maven')} editing={editing} />;
    case 'ansible':
      return <AnsibleTargetFields values={values.ansible} onChange={set('ansible')} editing={editing} />;
  }
}

/** A target's hosts, bucket or repository as its row shows them; nothing for the other kinds. */
export function HostTargetSummary({ target }: { target: Target }) {
  const { ssh, sftp, s3, maven, ansible } = target;
  if (ssh) return <SshTargetSummary ssh={ssh} />;
  if (sftp) return <SftpTargetSummary sftp={sftp} />;
  if (s3) return <S3TargetSummary s3={s3} />;
  if (maven) return <MavenTargetSummary maven={maven} />;
  if (ansible) return <AnsibleTargetSummary ansible={ansible} />;
  return null;
}
