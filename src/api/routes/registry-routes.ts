import { Type } from 'typebox';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import {
  RegistryRepositoryView,
  RegistryTagView,
  registryRepositoryView,
  registryTagView,
} from '../registry-view.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['registry'];
const RepositoryParams = Type.Object({
  ...ProjectParams.properties,
  repository_id: Type.Integer({ minimum: 1 }),
});
const TagParams = Type.Object({
  ...RepositoryParams.properties,
  tag_name: Type.String({ minLength: 1, maxLength: 128 }),
});

/** `/projects/:id/registry/repositories` and their tags, as GitLab's Container Registry API. */
export function registryRoutes(app: GantryApp, deps: ApiDeps): void {
  const host = new URL(deps.externalUrl).host;

  app.get(
    '/projects/:id/registry/repositories',
    {
      schema: {
        summary: "List the project's image repositories",
        tags,
        params: ProjectParams,
        querystring: PageQuery,
        response: { 200: Type.Array(RegistryRepositoryView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const result = await deps.registry.listRepositories(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map((repository) => registryRepositoryView(repository, result.project.path, host));
    },
  );

  app.get(
    '/projects/:id/registry/repositories/:repository_id/tags',
    {
      schema: {
        summary: 'List the tags of a repository, each with its digest and the environments running it',
        tags,
        params: RepositoryParams,
        querystring: PageQuery,
        response: { 200: Type.Array(RegistryTagView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const { id, repository_id } = request.params;
      const result = await deps.registry.listTags(
        request.actor!,
        id,
        repository_id,
        pageRequest(page, per_page),
      );
      reply.headers(paginationHeaders(result));
      return result.items.map((tag) => registryTagView(tag, result.repository.name, host));
    },
  );

  app.delete(
    '/projects/:id/registry/repositories/:repository_id/tags/:tag_name',
    {
      schema: {
        summary: 'Delete a tag and the image it names (maintainers); other tags of that image go too',
        tags,
        params: TagParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, repository_id, tag_name } = request.params;
      await deps.registry.deleteTag(request.actor!, id, repository_id, tag_name);
      return reply.status(204).send(null);
    },
  );
}
