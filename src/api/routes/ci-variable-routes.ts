import { Type } from 'typebox';
import { VARIABLE_KEY_PATTERN } from '../../domain/ci-variable.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { CiVariableView, ciVariableView } from '../ci-variable-view.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['ci_variables'];
const Key = Type.String({ pattern: VARIABLE_KEY_PATTERN, description: 'letters, digits and _, at most 255' });
const VariableType = Type.Union([Type.Literal('env_var'), Type.Literal('file')]);
const Scope = Type.String({
  minLength: 1,
  maxLength: 255,
  description: '* (default), an environment or a pattern',
});
const Description = Type.Union([Type.String({ maxLength: 255 }), Type.Null()]);
/** GitLab caps instance variable values at 10,000 characters; project values only by the body limit. */
const INSTANCE_VALUE_MAX = 10_000;

const fields = (valueMax?: number) => ({
  value: Type.String(valueMax === undefined ? {} : { maxLength: valueMax }),
  variable_type: Type.Optional(VariableType),
  protected: Type.Optional(Type.Boolean()),
  masked: Type.Optional(Type.Boolean()),
  raw: Type.Optional(Type.Boolean()),
  environment_scope: Type.Optional(Scope),
  description: Type.Optional(Description),
});
const createBody = (valueMax?: number) =>
  Type.Object({ key: Key, ...fields(valueMax) }, { additionalProperties: false });
const updateBody = (valueMax?: number) => {
  const { value, ...rest } = fields(valueMax);
  return Type.Object({ value: Type.Optional(value), ...rest }, { additionalProperties: false });
};

const ProjectKeyParams = Type.Object({ ...ProjectParams.properties, key: Key });
const InstanceKeyParams = Type.Object({ key: Key });
/** GitLab's way to pick one of several variables of a key: `?filter[environment_scope]=production`. */
const ScopeFilter = Type.Object({ 'filter[environment_scope]': Type.Optional(Scope) });

/**
 * CI/CD variables, as GitLab's project-level (`/projects/:id/variables`, maintainers) and
 * instance-level (`/admin/ci/variables`, administrators) variables APIs.
 */
export function ciVariableRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/variables',
    {
      schema: {
        summary: "List a project's CI/CD variables (maintainers; masked values are null)",
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: Type.Array(CiVariableView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.ciVariables.listProject(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map(ciVariableView);
    },
  );

  app.get(
    '/projects/:id/variables/:key',
    {
      schema: {
        summary: 'Get a CI/CD variable, masked value included (maintainers)',
        tags,
        params: ProjectKeyParams,
        querystring: ScopeFilter,
        response: { 200: CiVariableView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, key } = request.params;
      const scope = request.query['filter[environment_scope]'];
      return ciVariableView(await deps.ciVariables.getProject(request.actor!, id, key, scope));
    },
  );

  app.post(
    '/projects/:id/variables',
    {
      schema: {
        summary: 'Create a CI/CD variable (maintainers)',
        tags,
        params: ProjectParams,
        body: createBody(),
        response: { 201: CiVariableView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const variable = await deps.ciVariables.createProject(request.actor!, request.params.id, request.body);
      return reply.status(201).send(ciVariableView(variable));
    },
  );

  app.put(
    '/projects/:id/variables/:key',
    {
      schema: {
        summary: 'Update a CI/CD variable (maintainers)',
        tags,
        params: ProjectKeyParams,
        querystring: ScopeFilter,
        body: updateBody(),
        response: { 200: CiVariableView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, key } = request.params;
      const scope = request.query['filter[environment_scope]'];
      return ciVariableView(
        await deps.ciVariables.updateProject(request.actor!, id, key, request.body, scope),
      );
    },
  );

  app.delete(
    '/projects/:id/variables/:key',
    {
      schema: {
        summary: 'Delete a CI/CD variable (maintainers)',
        tags,
        params: ProjectKeyParams,
        querystring: ScopeFilter,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, key } = request.params;
      await deps.ciVariables.deleteProject(
        request.actor!,
        id,
        key,
        request.query['filter[environment_scope]'],
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/admin/ci/variables',
    {
      schema: {
        summary: 'List instance CI/CD variables (admins; masked values are null)',
        tags,
        querystring: PageQuery,
        response: { 200: Type.Array(CiVariableView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.ciVariables.listInstance(request.actor!, pageRequest(page, per_page));
      reply.headers(paginationHeaders(result));
      return result.items.map(ciVariableView);
    },
  );

  app.get(
    '/admin/ci/variables/:key',
    {
      schema: {
        summary: 'Get an instance CI/CD variable, masked value included (admins)',
        tags,
        params: InstanceKeyParams,
        response: { 200: CiVariableView, ...errorResponses },
      },
    },
    async (request) => ciVariableView(await deps.ciVariables.getInstance(request.actor!, request.params.key)),
  );

  app.post(
    '/admin/ci/variables',
    {
      schema: {
        summary: 'Create an instance CI/CD variable (admins)',
        tags,
        body: createBody(INSTANCE_VALUE_MAX),
        response: { 201: CiVariableView, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(ciVariableView(await deps.ciVariables.createInstance(request.actor!, request.body))),
  );

  app.put(
    '/admin/ci/variables/:key',
    {
      schema: {
        summary: 'Update an instance CI/CD variable (admins)',
        tags,
        params: InstanceKeyParams,
        body: updateBody(INSTANCE_VALUE_MAX),
        response: { 200: CiVariableView, ...errorResponses },
      },
    },
    async (request) =>
      ciVariableView(await deps.ciVariables.updateInstance(request.actor!, request.params.key, request.body)),
  );

  app.delete(
    '/admin/ci/variables/:key',
    {
      schema: {
        summary: 'Delete an instance CI/CD variable (admins)',
        tags,
        params: InstanceKeyParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      await deps.ciVariables.deleteInstance(request.actor!, request.params.key);
      return reply.status(204).send(null);
    },
  );
}
