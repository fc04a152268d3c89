import { Type } from 'typebox';
import type { ProtectedEnvironment } from '../services/protected-environment-service.ts';

/** The least role that may read logs, containers and metrics of matching environments. */
export const LogsAccess = Type.Union(
  [Type.Literal('reporter'), Type.Literal('developer'), Type.Literal('maintainer')],
  { description: 'the least role that may read logs, containers and metrics' },
);

/** One grant: an access level (`user_id` null) or one user (`access_level` null). */
export const GrantView = Type.Object({
  access_level: Type.Union([Type.Integer(), Type.Null()]),
  user_id: Type.Union([Type.Integer(), Type.Null()]),
  access_level_description: Type.String(),
});

/** A protected environment as GitLab's API shows it, plus Gantry's `allow_self_approval`. */
export const ProtectedEnvironmentView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  deploy_access_levels: Type.Array(GrantView),
  approval_rules: Type.Array(GrantView),
  required_approval_count: Type.Integer(),
  allow_self_approval: Type.Boolean(),
  shell_enabled: Type.Boolean({ description: 'false: nobody may open a shell in matching environments' }),
  logs_access: LogsAccess,
});

export const protectedEnvironmentView = (rule: ProtectedEnvironment) => ({
  id: rule.id,
  name: rule.name,
  deploy_access_levels: rule.deployAccessLevels,
  approval_rules: rule.approvalRules,
  required_approval_count: rule.requiredApprovalCount,
  allow_self_approval: rule.allowSelfApproval,
  shell_enabled: rule.shellEnabled,
  logs_access: rule.logsAccess,
});
