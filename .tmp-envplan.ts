import { openStore } from '/work/main/src/store/database.ts';
import { DeploymentRepository } from '/work/main/src/store/repositories/deployment-repository.ts';
import { EnvironmentRepository } from '/work/main/src/store/repositories/environment-repository.ts';
import { sql } from 'kysely';
const url = process.argv[2]!;
const store = openStore(url);
await store.migrate();
const db = store.db;
const explain = async (label: string, q: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
  const c = q.compile();
  const prefix = store.dialect === 'sqlite' ? 'explain query plan ' : 'explain analyze ';
  const r = await db.executeQuery({ sql: prefix + c.sql, parameters: c.parameters, query: (c as any).query } as any);
  console.log(`--- ${label}\n${c.sql}\n${r.rows.map((x: any) => x.detail ?? x['QUERY PLAN']).join('\n')}`);
};
const deps = new DeploymentRepository(db) as any;
const envs = new EnvironmentRepository(db) as any;
const pid = Number(process.argv[3] ?? 26), eid = Number(process.argv[4] ?? 26);
// replicate repository queries by compiling kysely builders
const base = db.selectFrom('deployments as d').where('d.project_id', '=', pid).where('d.environment_id', '=', eid);
await explain('history list', base.innerJoin('environments as e', 'e.id', 'd.environment_id').selectAll('d').select('e.name as environment_name').orderBy('d.id', 'desc').limit(20).offset(180));
await explain('history count', base.select(sql<number>`cast(count(*) as integer)`.as('n')));
await explain('env list', db.selectFrom('environments').where('project_id', '=', pid).selectAll().orderBy('name').limit(20).offset(0));
await explain('matrix', db.selectFrom('environments as e').innerJoin('projects as p', 'p.id', 'e.project_id').leftJoin('deployments as d', 'd.id', 'e.last_success_deployment_id').leftJoin('users as u', 'u.id', 'd.user_id').select(['e.id', 'p.path', 'd.sha', 'u.username']).orderBy('p.path').orderBy('e.name').limit(100).offset(400));
await store.close();
