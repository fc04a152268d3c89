import { Type } from 'typebox';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { ReleaseLinkView, ReleaseView, releaseLinkView, releaseView } from '../release-view.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['releases'];
const TagName = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'URL-encoded in paths: v1.0, release%2F2',
});
const TagParams = Type.Object({ ...ProjectParams.properties, tag_name: TagName });
const LinkParams = Type.Object({ ...TagParams.properties, link_id: Type.Integer({ minimum: 1 }) });
const Name = Type.String({ maxLength: 255 });
const Description = Type.String({ maxLength: 1_000_000, description: 'Markdown, stored as given' });
const ReleasedAt = Type.String({ format: 'date-time', description: 'ISO-8601; default now' });
const LinkName = Type.String({ minLength: 1, maxLength: 255 });
const LinkUrl = Type.String({ minLength: 1, maxLength: 2048, description: 'an http:// or https:// URL' });
const LinkType = Type.Union([
  Type.Literal('other'),
  Type.Literal('runbook'),
  Type.Literal('image'),
  Type.Literal('package'),
]);
const NewLink = Type.Object(
  { name: LinkName, url: LinkUrl, link_type: Type.Optional(LinkType) },
  { additionalProperties: false },
);

/** `/projects/:id/releases` and their asset links, as GitLab's Releases API. */
export function releaseRoutes(app: GantryApp, deps: ApiDeps): void {
  app.get(
    '/projects/:id/releases',
    {
      schema: {
        summary: 'List releases, each with its asset links and the deployments of its tag',
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          ...PageQuery.properties,
          order_by: Type.Optional(Type.Union([Type.Literal('released_at'), Type.Literal('created_at')])),
          sort: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
        }),
        response: { 200: Type.Array(ReleaseView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page, order_by, sort } = request.query;
      const result = await deps.releases.list(
        request.actor!,
        request.params.id,
        pageRequest(page, per_page),
        {
          ...(order_by !== undefined && { orderBy: order_by }),
          ...(sort !== undefined && { sort }),
        },
      );
      reply.headers(paginationHeaders(result));
      const now = new Date().toISOString();
      return result.items.map((release) => releaseView(release, now));
    },
  );

  app.get(
    '/projects/:id/releases/:tag_name',
    {
      schema: {
        summary: 'Get the release of a tag',
        tags,
        params: TagParams,
        response: { 200: ReleaseView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, tag_name } = request.params;
      return releaseView(await deps.releases.get(request.actor!, id, tag_name));
    },
  );

  app.post(
    '/projects/:id/releases',
    {
      schema: {
        summary: 'Create a release (developers); with ref, its tag is created when missing',
        tags,
        params: ProjectParams,
        body: Type.Object(
          {
            tag_name: TagName,
            name: Type.Optional(Name),
            description: Type.Optional(Description),
            released_at: Type.Optional(ReleasedAt),
            ref: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 255,
                description: 'branch, tag or commit to create the tag at',
              }),
            ),
            assets: Type.Optional(
              Type.Object(
                { links: Type.Optional(Type.Array(NewLink, { maxItems: 100 })) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: ReleaseView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const release = await deps.releases.create(request.actor!, request.params.id, request.body);
      return reply.status(201).send(releaseView(release));
    },
  );

  app.put(
    '/projects/:id/releases/:tag_name',
    {
      schema: {
        summary: "Change a release's name, notes or release date (developers)",
        tags,
        params: TagParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            description: Type.Optional(Description),
            released_at: Type.Optional(ReleasedAt),
          },
          { additionalProperties: false },
        ),
        response: { 200: ReleaseView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, tag_name } = request.params;
      return releaseView(await deps.releases.update(request.actor!, id, tag_name, request.body));
    },
  );

  app.delete(
    '/projects/:id/releases/:tag_name',
    {
      schema: {
        summary: 'Delete a release and its asset links (developers); the tag stays',
        tags,
        params: TagParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, tag_name } = request.params;
      await deps.releases.delete(request.actor!, id, tag_name);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/projects/:id/releases/:tag_name/assets/links',
    {
      schema: {
        summary: "List a release's asset links",
        tags,
        params: TagParams,
        response: { 200: Type.Array(ReleaseLinkView), ...errorResponses },
      },
    },
    async (request) => {
      const { id, tag_name } = request.params;
      return (await deps.releases.listLinks(request.actor!, id, tag_name)).map(releaseLinkView);
    },
  );

  app.get(
    '/projects/:id/releases/:tag_name/assets/links/:link_id',
    {
      schema: {
        summary: 'Get an asset link of a release',
        tags,
        params: LinkParams,
        response: { 200: ReleaseLinkView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, tag_name, link_id } = request.params;
      return releaseLinkView(await deps.releases.getLink(request.actor!, id, tag_name, link_id));
    },
  );

  app.post(
    '/projects/:id/releases/:tag_name/assets/links',
    {
      schema: {
        summary: 'Add an asset link to a release (developers)',
        tags,
        params: TagParams,
        body: NewLink,
        response: { 201: ReleaseLinkView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, tag_name } = request.params;
      const link = await deps.releases.createLink(request.actor!, id, tag_name, request.body);
      return reply.status(201).send(releaseLinkView(link));
    },
  );

  app.put(
    '/projects/:id/releases/:tag_name/assets/links/:link_id',
    {
      schema: {
        summary: 'Change an asset link of a release (developers)',
        tags,
        params: LinkParams,
        body: Type.Object(
          { name: Type.Optional(LinkName), url: Type.Optional(LinkUrl), link_type: Type.Optional(LinkType) },
          { additionalProperties: false },
        ),
        response: { 200: ReleaseLinkView, ...errorResponses },
      },
    },
    async (request) => {
      const { id, tag_name, link_id } = request.params;
      return releaseLinkView(
        await deps.releases.updateLink(request.actor!, id, tag_name, link_id, request.body),
      );
    },
  );

  app.delete(
    '/projects/:id/releases/:tag_name/assets/links/:link_id',
    {
      schema: {
        summary: 'Delete an asset link of a release (developers)',
        tags,
        params: LinkParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { id, tag_name, link_id } = request.params;
      await deps.releases.deleteLink(request.actor!, id, tag_name, link_id);
      return reply.status(204).send(null);
    },
  );
}
