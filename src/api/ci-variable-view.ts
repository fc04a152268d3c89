import { Type } from 'typebox';
import type { CiVariable } from '../services/ci-variable-service.ts';

/**
 * A CI/CD variable as GitLab's variables API shows it. `value` is null for a masked variable
 * except when that one variable is read (GET …/variables/:key), GitLab's "reveal".
 */
export const CiVariableView = Type.Object({
  key: Type.String(),
  value: Type.Union([Type.String(), Type.Null()]),
  variable_type: Type.Union([Type.Literal('env_var'), Type.Literal('file')]),
  protected: Type.Boolean(),
  masked: Type.Boolean(),
  raw: Type.Boolean(),
  environment_scope: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
});

export const ciVariableView = (variable: CiVariable) => ({
  key: variable.key,
  value: variable.value,
  variable_type: variable.variable_type,
  protected: variable.protected,
  masked: variable.masked,
  raw: variable.raw,
  environment_scope: variable.environment_scope,
  description: variable.description,
});
