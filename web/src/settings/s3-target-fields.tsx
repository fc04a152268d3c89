import type { S3TargetSettings } from '../api/host-target-types.ts';
import type { S3TargetForm } from '../lib/s3-target-body.ts';
import { CheckboxField, SelectField, TextField } from './fields.tsx';
import { subFormSetter } from './sub-form.ts';

/** The S3 part of the target form: bucket and prefix, the server (AWS or compatible), keys, versioning. */
export function S3TargetFields({
  values,
  onChange,
  editing,
}: {
  values: S3TargetForm;
  onChange: (values: S3TargetForm) => void;
  editing: boolean;
}) {
  const set = subFormSetter(values, onChange);
  return (
    <>
      <TextField
        label="Bucket"
        value={values.bucket}
        onChange={set('bucket')}
        required
        placeholder="shop-site"
      />
      <TextField
        label="Prefix"
        value={values.prefix}
        onChange={set('prefix')}
        placeholder="site/"
        hint="Where under the bucket the files go; empty for its root."
      />
      <TextField label="Region" value={values.region} onChange={set('region')} placeholder="us-east-1" />
      <TextField
        label="Endpoint"
        type="url"
        value={values.endpoint}
        onChange={set('endpoint')}
        placeholder="https://s3.example.com"
        hint="The URL of an S3-compatible server; empty for AWS."
      />
      {values.endpoint.trim() !== '' && (
        <CheckboxField
          label="Path-style URLs"
          checked={values.forcePathStyle}
          onChange={set('forcePathStyle')}
          hint="The bucket in the path, for servers without bucket subdomains (most S3-compatible ones)."
        />
      )}
      <SelectField
        label="Versions for rollback"
        value={values.versioning}
        onChange={set('versioning')}
        choices={[
          { value: 'prefix', label: 'Kept under a versions prefix' },
          { value: 'bucket', label: "The bucket's own versioning" },
        ]}
      />
      <TextField label="Access key ID" value={values.accessKeyId} onChange={set('accessKeyId')} />
      <TextField
        label="Secret access key"
        type="password"
        value={values.secretAccessKey}
        onChange={set('secretAccessKey')}
        autoComplete="new-password"
        hint={`Stored encrypted and never shown again.${editing ? ' Leave empty to keep the stored one.' : ''}`}
      />
    </>
  );
}

/** An S3 target's bucket and server, as its row shows them. */
export function S3TargetSummary({ s3 }: { s3: S3TargetSettings }) {
  return (
    <>
      <code>
        s3://{s3.bucket}/{s3.prefix}
      </code>
      <span className="muted">
        {s3.endpoint ? s3.endpoint : 'AWS'} {s3.region}
        {s3.force_path_style && ', path-style'},{' '}
        {s3.versioning === 'bucket' ? 'bucket versioning' : 'versions under a prefix'}
        {s3.access_key_id && `, key ${s3.access_key_id}`}
        {s3.secret_set ? ', secret set' : ', no secret'}
      </span>
    </>
  );
}
