import { sql } from 'kysely';
import { openStore } from './src/store/database.ts';
const store = openStore(process.argv[2]!);
await store.migrate();
const db = store.db;
const now = new Date().toISOString();
for (let p = 1; p <= 50; p++) {
  await db.insertInto('projects').values({ name: `p${p}`, path: `b/p${p}`, description: '', default_branch: 'main', mirror_url: null, mirror_username: null, mirror_password_encrypted: null, mirror_webhook_secret_encrypted: null, mirror_last_fetched_at: null, mirror_last_error: null, creator_id: null, created_at: now, last_activity_at: now }).execute();
  for (let e = 0; e < 20; e++) {
    await db.insertInto('environments').values({ project_id: p, name: `env-${e}`, slug: `env-${e}`, tier: 'other', external_url: null, state: 'available', kubernetes_namespace: null, auto_stop_at: null, last_deployment_id: null, last_success_deployment_id: null, created_at: now, updated_at: now }).execute();
  }
}
const snap = JSON.stringify({ kind: 'script', blob: 'x'.repeat(350) });
await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000)
  insert into deployments (project_id, iid, environment_id, sha, ref, tag, user_id, status, action, job_id, pipeline_id, deployable_name, snapshot, rollback_of, external_state, freeze_override_reason, freeze_override_by, created_at, updated_at, finished_at)
  select ((i * 7919) % 1000) / 20 + 1, i, ((i * 7919) % 1000) + 1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'main', 0, null, case when i % 10 = 0 then 'failed' else 'success' end, 'start', null, null, 'deploy', ${snap}, null, null, null, null, ${now}, ${now}, ${now} from n`.execute(db);
console.log(await sql`select count(*) as n from deployments where environment_id = 513`.execute(db).then((r) => r.rows));
await store.close();
