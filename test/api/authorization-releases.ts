import assert from 'node:assert/strict';
import { DEVELOPERS, type Fixture, READERS, type Rules } from '../support/authorization-rules.ts';

/** Releases and their asset links: reporters (and read_api tokens) read; developers change. */
export function releaseRules(): Rules {
  // One project with a commit on main per fixture; each call gets releases of its own there.
  const projects = new WeakMap<Fixture, Promise<number>>();
  const projectWithCommit = (f: Fixture): Promise<number> => {
    let id = projects.get(f);
    if (id === undefined) {
      id = f.pipeline().then((p) => p.projectId);
      projects.set(f, id);
    }
    return id;
  };
  const tag = () => `v${Math.random().toString(36).slice(2, 10)}`;
  const release = async (f: Fixture, options: { link?: boolean } = {}) => {
    const id = await projectWithCommit(f);
    const name = tag();
    const created = await f.t.api<{ assets: { links: Array<{ id: number }> } }>(
      'POST',
      `projects/${id}/releases`,
      {
        body: {
          tag_name: name,
          ref: 'main',
          ...(options.link && { assets: { links: [{ name: 'bin', url: 'https://example.com/bin' }] } }),
        },
      },
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const path = `/api/v1/projects/${id}/releases/${name}`;
    return { id, path, linkId: created.body.assets.links[0]?.id };
  };
  const link = async (f: Fixture) => {
    const made = await release(f, { link: true });
    return `${made.path}/assets/links/${made.linkId}`;
  };
  return {
    'GET /api/v1/projects/:id/releases': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `/api/v1/projects/${await projectWithCommit(f)}/releases` }),
    },
    'GET /api/v1/projects/:id/releases/:tag_name': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: (await release(f)).path }),
    },
    'POST /api/v1/projects/:id/releases': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({
        method: 'POST',
        path: `/api/v1/projects/${await projectWithCommit(f)}/releases`,
        body: { tag_name: tag(), ref: 'main' },
      }),
    },
    'PUT /api/v1/projects/:id/releases/:tag_name': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({ method: 'PUT', path: (await release(f)).path, body: { name: 'renamed' } }),
    },
    'DELETE /api/v1/projects/:id/releases/:tag_name': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({ method: 'DELETE', path: (await release(f)).path }),
    },
    'GET /api/v1/projects/:id/releases/:tag_name/assets/links': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: `${(await release(f, { link: true })).path}/assets/links` }),
    },
    'POST /api/v1/projects/:id/releases/:tag_name/assets/links': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({
        method: 'POST',
        path: `${(await release(f)).path}/assets/links`,
        body: { name: 'docs', url: 'https://example.com/docs' },
      }),
    },
    'GET /api/v1/projects/:id/releases/:tag_name/assets/links/:link_id': {
      projectScoped: true,
      allowed: READERS,
      call: async (f) => ({ method: 'GET', path: await link(f) }),
    },
    'PUT /api/v1/projects/:id/releases/:tag_name/assets/links/:link_id': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({ method: 'PUT', path: await link(f), body: { link_type: 'package' } }),
    },
    'DELETE /api/v1/projects/:id/releases/:tag_name/assets/links/:link_id': {
      projectScoped: true,
      allowed: DEVELOPERS,
      call: async (f) => ({ method: 'DELETE', path: await link(f) }),
    },
  };
}
