import { Type } from 'typebox';
import { ENVIRONMENT_SCOPE_PATTERN } from '../../domain/environment-scope.ts';
import { DEFAULT_NAMESPACE_TEMPLATE } from '../../domain/kubernetes-namespace.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { TARGET_KINDS } from '../../services/target-service.ts';
import { MAX_WEBHOOK_URL_LENGTH } from '../../webhooks/webhook-url.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';
import { TargetView, targetView } from '../target-view.ts';

const tags = ['targets'];
const TargetParams = Type.Object({ target_id: Type.Integer({ minimum: 1 }) });
const ProjectTargetParams = Type.Object({ ...ProjectParams.properties, ...TargetParams.properties });
const Name = Type.String({ minLength: 1, maxLength: 255 });
const Kind = Type.String({ minLength: 1, maxLength: 50, description: `one of ${TARGET_KINDS.join(', ')}` });
const Scope = Type.String({
  pattern: ENVIRONMENT_SCOPE_PATTERN,
  description: 'environments served: a name, a pattern such as review/*, or * (default)',
});
const Url = Type.String({
  minLength: 1,
  maxLength: MAX_WEBHOOK_URL_LENGTH,
  description: 'external targets: where deployment webhooks go (http:// or https://)',
});
const Secret = Type.Union([Type.String({ maxLength: 1024 }), Type.Null()], {
  description: 'signs webhooks (x-gantry-signature-256); write-only; empty or null removes it',
});
const Kubernetes = Type.Object(
  {
    kubeconfig: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 262_144,
        description: 'a whole kubeconfig (its current context is used); write-only',
      }),
    ),
    api_url: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2048, description: 'the API server (https://), with token' }),
    ),
    ca_pem: Type.Optional(
      Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()], {
        description: "the cluster's CA certificate (PEM), with api_url",
      }),
    ),
    token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 16_384,
        description: 'a bearer token, with api_url; write-only',
      }),
    ),
    namespace_template: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: `where each environment deploys; default ${DEFAULT_NAMESPACE_TEMPLATE}`,
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'kubernetes targets: a kubeconfig, or api_url + token (+ ca_pem); checked on save',
  },
);
const Podman = Type.Object(
  {
    url: Type.Optional(
      Type.Union([Type.String({ maxLength: 2048 }), Type.Null()], {
        description:
          "ssh://user@host[:port]/run/podman/podman.sock or unix:///path/podman.sock; null or empty: the Gantry server's host",
      }),
    ),
    ssh_key: Type.Optional(
      Type.Union([Type.String({ maxLength: 16_384 }), Type.Null()], {
        description: 'the SSH private key for an ssh:// url; write-only',
      }),
    ),
    runtime: Type.Optional(
      Type.String({ maxLength: 255, description: "OCI runtime; default runc, empty: Podman's choice" }),
    ),
    cgroup_manager: Type.Optional(
      Type.String({ maxLength: 20, description: "cgroupfs (default), systemd, or empty: Podman's choice" }),
    ),
    ulimits: Type.Optional(
      Type.Array(Type.String({ maxLength: 100 }), {
        maxItems: 32,
        description:
          'default rlimits of containers, name=soft[:hard]; default nofile=1024:1024, nproc=4096:4096',
      }),
    ),
    publish_address: Type.Optional(
      Type.String({ maxLength: 64, description: 'the address ports are published on; default 127.0.0.1' }),
    ),
    tls_verify: Type.Optional(Type.Boolean({ description: 'pull over verified HTTPS only (default true)' })),
  },
  {
    additionalProperties: false,
    description: 'podman targets: the host and its settings; checked on save (podman info)',
  },
);
const Ssh = Type.Object(
  {
    hosts: Type.Optional(
      Type.Array(Type.String({ maxLength: 300 }), {
        maxItems: 100,
        description: 'host, host:port or [ipv6]:port; the port defaults to port',
      }),
    ),
    user: Type.Optional(Type.String({ maxLength: 32, description: 'the login name on the hosts' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'default 22' })),
    deploy_to: Type.Optional(
      Type.String({ maxLength: 1024, description: 'the absolute directory releases go to' }),
    ),
    parallelism: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'hosts switched at once; default 1' }),
    ),
    keep_releases: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, description: 'releases kept per host; default 5' }),
    ),
    private_key: Type.Optional(
      Type.Union([Type.String({ maxLength: 16_384 }), Type.Null()], { description: 'write-only' }),
    ),
    password: Type.Optional(
      Type.Union([Type.String({ maxLength: 1024 }), Type.Null()], { description: 'write-only' }),
    ),
    known_hosts: Type.Optional(
      Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()], {
        description: "the hosts' keys as known_hosts lines; left out: read from the hosts on save",
      }),
    ),
    rescan_host_keys: Type.Optional(
      Type.Boolean({ description: 'on update: record the keys the hosts show now (after a planned change)' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'ssh targets: the hosts, login and release directory; checked on save',
  },
);
const S3 = Type.Object(
  {
    bucket: Type.Optional(Type.String({ maxLength: 63 })),
    prefix: Type.Optional(
      Type.String({ maxLength: 1024, description: "'' (default) or a folder ending in /" }),
    ),
    region: Type.Optional(Type.String({ maxLength: 64, description: 'default us-east-1' })),
    endpoint: Type.Optional(
      Type.Union([Type.String({ maxLength: 2048 }), Type.Null()], {
        description: 'the http(s) URL of an S3-compatible server; null or empty: AWS',
      }),
    ),
    force_path_style: Type.Optional(
      Type.Boolean({ description: 'bucket in the path; default true with an endpoint' }),
    ),
    versioning: Type.Optional(
      Type.Union([Type.Literal('prefix'), Type.Literal('bucket')], {
        description: 'where rollbacks find old files: copies under the prefix (default) or bucket versioning',
      }),
    ),
    access_key_id: Type.Optional(Type.String({ maxLength: 256 })),
    secret_access_key: Type.Optional(
      Type.Union([Type.String({ maxLength: 1024 }), Type.Null()], { description: 'write-only' }),
    ),
  },
  { additionalProperties: false, description: 's3 targets: the bucket and credentials; checked on save' },
);
const Maven = Type.Object(
  {
    url: Type.Optional(Type.String({ maxLength: 2048, description: 'the http(s) URL of the repository' })),
    username: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    password: Type.Optional(
      Type.Union([Type.String({ maxLength: 1024 }), Type.Null()], { description: 'write-only' }),
    ),
  },
  { additionalProperties: false, description: 'maven targets: the repository; a probe is published on save' },
);
const Sftp = Type.Object(
  {
    host: Type.Optional(Type.String({ maxLength: 300, description: 'host, host:port or [ipv6]:port' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'default 22' })),
    user: Type.Optional(Type.String({ maxLength: 32 })),
    remote_dir: Type.Optional(
      Type.String({ maxLength: 1024, description: 'absolute, or relative to the login directory' }),
    ),
    keep_releases: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'default 5' })),
    private_key: Type.Optional(
      Type.Union([Type.String({ maxLength: 16_384 }), Type.Null()], { description: 'write-only' }),
    ),
    password: Type.Optional(
      Type.Union([Type.String({ maxLength: 1024 }), Type.Null()], { description: 'write-only' }),
    ),
    known_hosts: Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()])),
    rescan_host_keys: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    description: 'sftp targets: the server, login and directory; checked on save',
  },
);
const Ansible = Type.Object(
  {
    hosts: Type.Optional(
      Type.Array(Type.String({ maxLength: 300 }), {
        maxItems: 100,
        description: '[name=]host[:port]; the inventory name defaults to the host',
      }),
    ),
    groups: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 63 }),
        Type.Array(Type.String({ maxLength: 63 }), { maxItems: 100 }),
        {
          description: 'group name -> inventory names of its hosts',
        },
      ),
    ),
    user: Type.Optional(Type.String({ maxLength: 32 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535, description: 'default 22' })),
    private_key: Type.Optional(
      Type.Union([Type.String({ maxLength: 16_384 }), Type.Null()], { description: 'write-only' }),
    ),
    password: Type.Optional(
      Type.Union([Type.String({ maxLength: 1024 }), Type.Null()], { description: 'write-only' }),
    ),
    known_hosts: Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()])),
    rescan_host_keys: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, description: 'ansible targets: the inventory and login; checked on save' },
);
const CreateBody = Type.Object(
  {
    name: Name,
    kind: Kind,
    environment_scope: Type.Optional(Scope),
    url: Type.Optional(Url),
    secret: Type.Optional(Secret),
    kubernetes: Type.Optional(Kubernetes),
    podman: Type.Optional(Podman),
    ssh: Type.Optional(Ssh),
    sftp: Type.Optional(Sftp),
    s3: Type.Optional(S3),
    maven: Type.Optional(Maven),
    ansible: Type.Optional(Ansible),
  },
  { additionalProperties: false },
);
const UpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    environment_scope: Type.Optional(Scope),
    url: Type.Optional(Url),
    secret: Type.Optional(Secret),
    kubernetes: Type.Optional(Kubernetes),
    podman: Type.Optional(Podman),
    ssh: Type.Optional(Ssh),
    sftp: Type.Optional(Sftp),
    s3: Type.Optional(S3),
    maven: Type.Optional(Maven),
    ansible: Type.Optional(Ansible),
  },
  { additionalProperties: false },
);

/** `/projects/:id/targets` (maintainers) and `/targets` (administrators): where environments run. */
export function targetRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/targets',
    {
      schema: {
        summary: "List a project's targets (maintainers)",
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: Type.Array(TargetView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.targets.listProject(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(targetView);
    },
  );

  app.post(
    '/projects/:id/targets',
    {
      schema: {
        summary: 'Register a project target (maintainers)',
        tags,
        params: ProjectParams,
        body: CreateBody,
        response: { 201: TargetView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const target = await deps.targets.createProject(request.actor!, request.params.id, request.body);
      return reply.status(201).send(targetView(target));
    },
  );

  app.get(
    '/projects/:id/targets/:target_id',
    {
      schema: {
        summary: 'Get a project target (maintainers)',
        tags,
        params: ProjectTargetParams,
        response: { 200: TargetView, ...errorResponses },
      },
    },
    async (request) =>
      targetView(await deps.targets.getProject(request.actor!, request.params.id, request.params.target_id)),
  );

  app.put(
    '/projects/:id/targets/:target_id',
    {
      schema: {
        summary: 'Change a project target (maintainers); its kind is fixed, a secret left out is kept',
        tags,
        params: ProjectTargetParams,
        body: UpdateBody,
        response: { 200: TargetView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, target_id } = request.params;
      return targetView(await deps.targets.updateProject(request.actor!, id, target_id, request.body));
    },
  );

  app.delete(
    '/projects/:id/targets/:target_id',
    {
      schema: {
        summary: 'Delete a project target (maintainers)',
        tags,
        params: ProjectTargetParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.targets.deleteProject(request.actor!, request.params.id, request.params.target_id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/targets',
    {
      schema: {
        summary: 'List instance targets (administrators)',
        tags,
        querystring: PageQuery,
        response: { 200: Type.Array(TargetView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.targets.listInstance(request.actor!, pageRequest(page, per_page));
      reply.headers(paginationHeaders(result));
      return result.items.map(targetView);
    },
  );

  app.post(
    '/targets',
    {
      schema: {
        summary: 'Register an instance target, serving every project (administrators)',
        tags,
        body: CreateBody,
        response: { 201: TargetView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const target = await deps.targets.createInstance(request.actor!, request.body);
      return reply.status(201).send(targetView(target));
    },
  );

  app.get(
    '/targets/:target_id',
    {
      schema: {
        summary: 'Get an instance target (administrators)',
        tags,
        params: TargetParams,
        response: { 200: TargetView, ...errorResponses },
      },
    },
    async (request) => targetView(await deps.targets.getInstance(request.actor!, request.params.target_id)),
  );

  app.put(
    '/targets/:target_id',
    {
      schema: {
        summary: 'Change an instance target (administrators)',
        tags,
        params: TargetParams,
        body: UpdateBody,
        response: { 200: TargetView, ...errorResponses },
      },
    },
    async (request) =>
      targetView(await deps.targets.updateInstance(request.actor!, request.params.target_id, request.body)),
  );

  app.delete(
    '/targets/:target_id',
    {
      schema: {
        summary: 'Delete an instance target (administrators)',
        tags,
        params: TargetParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.targets.deleteInstance(request.actor!, request.params.target_id);
      return reply.status(204).send(null);
    },
  );
}
