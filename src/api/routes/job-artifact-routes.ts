import { Type } from 'typebox';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses } from '../route-schemas.ts';

const tags = ['runners'];
const JobParams = Type.Object({ job_id: Type.Integer({ minimum: 1 }) });

/**
 * Artifact transfer for runners, authenticated by the running job's `JOB-TOKEN` header (as GitLab's
 * runner API): upload by the job itself, download by jobs of the same pipeline.
 */
export function jobArtifactRoutes(app: GantryApp, deps: ApiDeps): void {
  app.register(async (scoped) => {
    // Archives are streamed to disk as they arrive, never parsed or held in memory.
    scoped.addContentTypeParser(['application/gzip', 'application/octet-stream'], (_request, payload, done) =>
      done(null, payload),
    );
    (scoped as GantryApp).put(
      '/jobs/:job_id/artifacts',
      {
        config: { public: true },
        bodyLimit: Number.MAX_SAFE_INTEGER,
        schema: {
          summary: 'Upload a running job’s artifacts (.tar.gz), with its JOB-TOKEN',
          tags,
          params: JobParams,
          response: { 201: Type.Object({ size: Type.Integer(), sha256: Type.String() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const token = request.headers['job-token'];
        const saved = await deps.jobs.uploadArtifacts(
          request.params.job_id,
          typeof token === 'string' ? token : undefined,
          request.body as import('node:stream').Readable,
        );
        return reply.status(201).send({ size: saved.size, sha256: saved.sha256 });
      },
    );
  });

  app.get(
    '/jobs/:job_id/artifacts',
    {
      config: { public: true },
      schema: {
        summary: 'Download the artifacts of a job of the same pipeline, with a running job’s JOB-TOKEN',
        tags,
        params: JobParams,
        produces: ['application/gzip'],
      },
    },
    async (request, reply) => {
      const token = request.headers['job-token'];
      const { artifact, body } = await deps.jobs.dependencyArtifacts(
        request.params.job_id,
        typeof token === 'string' ? token : undefined,
      );
      return reply
        .header('content-type', 'application/gzip')
        .header('content-length', String(artifact.size))
        .send(body);
    },
  );
}
