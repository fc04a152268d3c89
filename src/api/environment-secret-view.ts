import { Type } from 'typebox';
import type { EnvironmentSecret } from '../services/environment-secret-service.ts';

const Timestamp = Type.String({ format: 'date-time' });

/** An environment secret: its key and scope; the value is write-only and never appears. */
export const EnvironmentSecretView = Type.Object({
  key: Type.String(),
  environment_scope: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const environmentSecretView = (secret: EnvironmentSecret) => ({
  key: secret.key,
  environment_scope: secret.environment_scope,
  created_at: secret.created_at,
  updated_at: secret.updated_at,
});
