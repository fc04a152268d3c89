import { Type } from 'typebox';
import type { RefKind } from '../../domain/protected-ref.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { ProtectedRefView, protectedRefView } from '../protected-ref-view.ts';
import { errorResponses, ProjectParams } from '../route-schemas.ts';

const tags = ['protected_refs'];
const Name = Type.String({ minLength: 1, maxLength: 255 });
const NameParams = Type.Object({ ...ProjectParams.properties, name: Name });

/**
 * `/projects/:id/protected_branches` and `/projects/:id/protected_tags`, as GitLab's APIs: names
 * or `*` patterns (URL-encoded in paths: `release%2F*`). Reporters read, maintainers change.
 */
export function protectedRefRoutes(app: GantryApp, deps: ApiDeps): void {
  for (const [collection, kind, noun, plural] of [
    ['protected_branches', 'branch', 'protected branch', 'branches'],
    ['protected_tags', 'tag', 'protected tag', 'tags'],
  ] as Array<[string, RefKind, string, string]>) {
    app.get(
      `/projects/:id/${collection}`,
      {
        schema: {
          summary: `List protected ${plural}${kind === 'branch' ? ' (the default branch is protected until unprotected)' : ''}`,
          tags,
          params: ProjectParams,
          response: { 200: Type.Array(ProtectedRefView), ...errorResponses },
        },
      },
      async (request) =>
        (await deps.protectedRefs.list(request.actor!, request.params.id, kind)).map(protectedRefView),
    );

    app.get(
      `/projects/:id/${collection}/:name`,
      {
        schema: {
          summary: `Get a ${noun} by its name or pattern`,
          tags,
          params: NameParams,
          response: { 200: ProtectedRefView, ...errorResponses },
        },
      },
      async (request) => {
        const { id, name } = request.params;
        return protectedRefView(await deps.protectedRefs.get(request.actor!, id, kind, name));
      },
    );

    app.post(
      `/projects/:id/${collection}`,
      {
        schema: {
          summary: `Protect the ${plural} a name or * pattern matches (maintainers)`,
          tags,
          params: ProjectParams,
          body: Type.Object({ name: Name }, { additionalProperties: false }),
          response: { 201: ProtectedRefView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const rule = await deps.protectedRefs.create(
          request.actor!,
          request.params.id,
          kind,
          request.body.name,
        );
        return reply.status(201).send(protectedRefView(rule));
      },
    );

    app.delete(
      `/projects/:id/${collection}/:name`,
      {
        schema: {
          summary: `Unprotect: delete a ${noun} (maintainers)`,
          tags,
          params: NameParams,
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { id, name } = request.params;
        await deps.protectedRefs.delete(request.actor!, id, kind, name);
        return reply.status(204).send(null);
      },
    );
  }
}
