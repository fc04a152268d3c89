import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../dialect.ts';
import * as foundation from './001-foundation.ts';
import * as pipelines from './002-pipelines.ts';
import * as defaultBranchProtection from './003-default-branch-protection.ts';
import * as deployments from './004-deployments.ts';
import * as deploymentHistoryIndexes from './005-deployment-history-indexes.ts';
import * as environmentSecrets from './006-environment-secrets.ts';
import * as kubernetesDeployments from './007-kubernetes-deployments.ts';
import * as registry from './008-registry.ts';
import * as rebuilds from './009-rebuilds.ts';
import * as environmentOperations from './010-environment-operations.ts';
import * as environmentMetrics from './011-environment-metrics.ts';

interface VersionedMigration {
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
}

/** Every migration in order; names sort in the order they run. Never edit one that has shipped. */
const all: Record<string, VersionedMigration> = {
  '001-foundation': foundation,
  '002-pipelines': pipelines,
  '003-default-branch-protection': defaultBranchProtection,
  '004-deployments': deployments,
  '005-deployment-history-indexes': deploymentHistoryIndexes,
  '006-environment-secrets': environmentSecrets,
  '007-kubernetes-deployments': kubernetesDeployments,
  '008-registry': registry,
  '009-rebuilds': rebuilds,
  '010-environment-operations': environmentOperations,
  '011-environment-metrics': environmentMetrics,
};

/** The migrations bound to one dialect, as Kysely's Migrator expects them. */
export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(all).map(([name, migration]) => [name, { up: (db) => migration.up(db, dialect) }]),
  );
}
