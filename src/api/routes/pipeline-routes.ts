import { Type } from 'typebox';
import type { Actor } from '../../domain/actor.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import type { PipelineRow } from '../../store/repositories/pipeline-repository.ts';
import { JobView, jobView, PipelineView, pipelineView } from '../ci-views.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['pipelines'];
const PipelineParams = Type.Object({
  ...ProjectParams.properties,
  pipeline_id: Type.Integer({ minimum: 1 }),
});
const VariableInput = Type.Object(
  {
    key: Type.String({ pattern: '^[A-Za-z0-9_]{1,255}$' }),
    value: Type.String({ maxLength: 10_000 }),
    variable_type: Type.Optional(Type.Union([Type.Literal('env_var'), Type.Literal('file')])),
  },
  { additionalProperties: false },
);

/** `/projects/:id/pipelines`, `/projects/:id/pipeline` and `/projects/:id/ci/lint`, after GitLab. */
export function pipelineRoutes(app: GantryApp, deps: ApiDeps): void {
  const projectUrl = (path: string) => `${deps.externalUrl}/${path}`;
  const viewer = async (actor: Actor, projectRef: string) => {
    const project = await deps.projects.get(actor, projectRef);
    return (pipeline: PipelineRow) => pipelineView(pipeline, projectUrl(project.path));
  };

  app.post(
    '/projects/:id/pipeline',
    {
      schema: {
        summary: 'Run a pipeline for a branch or tag (developers)',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            ref: Type.String({ minLength: 1, maxLength: 255 }),
            variables: Type.Optional(Type.Array(VariableInput, { maxItems: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: PipelineView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const variables = (request.body.variables ?? []).map((v) => ({
        ...v,
        variable_type: v.variable_type ?? 'env_var',
      }));
      const pipeline = await deps.pipelines.create(
        request.actor!,
        request.params.id,
        request.body.ref,
        variables,
      );
      return reply.status(201).send((await viewer(request.actor!, request.params.id))(pipeline));
    },
  );

  app.get(
    '/projects/:id/pipelines',
    {
      schema: {
        summary: 'List pipelines, newest first',
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          ...PageQuery.properties,
          status: Type.Optional(Type.String({ maxLength: 40 })),
          ref: Type.Optional(Type.String({ maxLength: 255 })),
          sha: Type.Optional(Type.String({ maxLength: 40 })),
          source: Type.Optional(Type.String({ maxLength: 40 })),
        }),
        response: { 200: Type.Array(PipelineView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, ...filter } = request.query;
      const result = await deps.pipelines.list(
        request.actor!,
        request.params.id,
        filter,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(await viewer(request.actor!, request.params.id));
    },
  );

  app.get(
    '/projects/:id/pipelines/:pipeline_id',
    {
      schema: {
        summary: 'Get a pipeline',
        tags,
        params: PipelineParams,
        response: { 200: PipelineView, ...errorResponses },
      },
    },
    async (request) => {
      const pipeline = await deps.pipelines.get(
        request.actor!,
        request.params.id,
        request.params.pipeline_id,
      );
      return (await viewer(request.actor!, request.params.id))(pipeline);
    },
  );

  app.get(
    '/projects/:id/pipelines/:pipeline_id/jobs',
    {
      schema: {
        summary: 'Jobs of a pipeline (latest attempts; include_retried=true for all)',
        tags,
        params: PipelineParams,
        querystring: Type.Object({ include_retried: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Array(JobView), ...errorResponses },
      },
    },
    async (request) => {
      const { id, pipeline_id } = request.params;
      const jobs = await deps.pipelines.jobs(
        request.actor!,
        id,
        pipeline_id,
        request.query.include_retried ?? false,
      );
      const project = await deps.projects.get(request.actor!, id);
      return (await deps.jobs.withContext(jobs)).map((c) =>
        jobView(c.job, c.pipeline, projectUrl(project.path), c.artifact),
      );
    },
  );

  for (const action of ['cancel', 'retry', 'rebuild'] as const) {
    app.post(
      `/projects/:id/pipelines/:pipeline_id/${action}`,
      {
        schema: {
          summary:
            action === 'rebuild'
              ? 'Run the same commit again as a new pipeline (developers)'
              : `${action === 'cancel' ? 'Cancel' : 'Retry'} a pipeline (developers)`,
          tags,
          params: PipelineParams,
          response: { 200: PipelineView, 201: PipelineView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { id, pipeline_id } = request.params;
        const pipeline = await deps.pipelines[action](request.actor!, id, pipeline_id);
        return reply
          .status(action === 'rebuild' ? 201 : 200)
          .send((await viewer(request.actor!, id))(pipeline));
      },
    );
  }

  app.delete(
    '/projects/:id/pipelines/:pipeline_id',
    {
      schema: {
        summary: 'Delete a pipeline and its jobs (maintainers)',
        tags,
        params: PipelineParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.pipelines.delete(request.actor!, request.params.id, request.params.pipeline_id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/projects/:id/ci/lint',
    {
      schema: {
        summary: 'Check a pipeline file: the given content, or the project’s file at a ref',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            content: Type.Optional(Type.String({ maxLength: 1024 * 1024 })),
            ref: Type.Optional(Type.String({ maxLength: 255 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            valid: Type.Boolean(),
            errors: Type.Array(Type.String()),
            warnings: Type.Array(Type.String()),
            error_details: Type.Array(
              Type.Object({
                file: Type.String(),
                line: Type.Integer(),
                column: Type.Integer(),
                message: Type.String(),
              }),
            ),
            stages: Type.Array(Type.String()),
            jobs: Type.Array(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const result = await deps.pipelines.lint(request.actor!, request.params.id, request.body);
      return {
        valid: result.valid,
        errors: result.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`),
        warnings: result.warnings,
        error_details: result.errors,
        stages: result.stages,
        jobs: result.jobs,
      };
    },
  );
}
