import { StringDecoder } from 'node:string_decoder';
import { Type } from 'typebox';
import { isFinished, JOB_STATUSES, type JobStatus } from '../../domain/job-status.ts';
import { pageRequest, paginationHeaders } from '../../domain/pagination.ts';
import { JobView, jobView } from '../ci-views.ts';
import { eventStreams, SSE_KEEP_ALIVE, sseMessage } from '../event-stream.ts';
import type { ApiDeps, GantryApp } from '../gantry-app.ts';
import { errorResponses, PageQuery, ProjectParams } from '../route-schemas.ts';

const tags = ['jobs'];
const JobParams = Type.Object({ ...ProjectParams.properties, job_id: Type.Integer({ minimum: 1 }) });
const Scope = Type.Union(JOB_STATUSES.map((s) => Type.Literal(s)));

/** `/projects/:id/jobs`: list, get, play, retry, cancel, the log (`trace`, also live) and artifacts. */
export function jobRoutes(app: GantryApp, deps: ApiDeps): void {
  const url = (path: string) => `${deps.externalUrl}/${path}`;
  const openStream = eventStreams(app);

  app.get(
    '/projects/:id/jobs',
    {
      schema: {
        summary: 'List jobs of a project, newest first (scope[] filters by status)',
        tags,
        params: ProjectParams,
        querystring: Type.Object({
          ...PageQuery.properties,
          'scope[]': Type.Optional(Type.Array(Scope)),
          scope: Type.Optional(Type.Array(Scope)),
        }),
        response: { 200: Type.Array(JobView), ...errorResponses },
      },
    },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const scope = (request.query['scope[]'] ?? request.query.scope) as JobStatus[] | undefined;
      const result = await deps.jobs.list(
        request.actor!,
        request.params.id,
        scope,
        pageRequest(page, per_page),
      );
      const project = await deps.projects.get(request.actor!, request.params.id);
      reply.headers(paginationHeaders(result));
      return (await deps.jobs.withContext(result.items)).map((c) =>
        jobView(c.job, c.pipeline, url(project.path), c.artifact),
      );
    },
  );

  app.get(
    '/projects/:id/jobs/:job_id',
    {
      schema: {
        summary: 'Get a job',
        tags,
        params: JobParams,
        response: { 200: JobView, ...errorResponses },
      },
    },
    async (request) => {
      const { job, project } = await deps.jobs.get(request.actor!, request.params.id, request.params.job_id);
      const [context] = await deps.jobs.withContext([job]);
      return jobView(job, context!.pipeline, url(project.path), context!.artifact);
    },
  );

  for (const action of ['play', 'retry', 'cancel'] as const) {
    app.post(
      `/projects/:id/jobs/:job_id/${action}`,
      {
        schema: {
          summary: {
            play: 'Start a manual job, or a delayed job now (developers)',
            retry: 'Run a finished job again as a new job (developers)',
            cancel: 'Cancel a job; a running job’s processes are killed (developers)',
          }[action],
          tags,
          params: JobParams,
          response: { 200: JobView, 201: JobView, ...errorResponses },
        },
      },
      async (request, reply) => {
        const { id, job_id } = request.params;
        const job = await deps.jobs[action](request.actor!, id, job_id);
        const project = await deps.projects.get(request.actor!, id);
        const [context] = await deps.jobs.withContext([job]);
        return reply
          .status(action === 'retry' ? 201 : 200)
          .send(jobView(job, context!.pipeline, url(project.path), context!.artifact));
      },
    );
  }

  app.get(
    '/projects/:id/jobs/:job_id/trace',
    {
      schema: {
        summary: 'The job log as plain text (ANSI colours kept); `Range: bytes=N-` reads from offset N',
        tags,
        params: JobParams,
        produces: ['text/plain'],
      },
    },
    async (request, reply) => {
      const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const { size, body } = await deps.jobs.trace(
        request.actor!,
        request.params.id,
        request.params.job_id,
        start,
      );
      reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('accept-ranges', 'bytes')
        .header('x-log-size', String(size));
      if (range) {
        if (start > size) return reply.status(416).header('content-range', `bytes */${size}`).send('');
        reply
          .status(206)
          .header(
            'content-range',
            size === 0 ? `bytes */0` : `bytes ${start}-${Math.max(start, size - 1)}/${size}`,
          );
      }
      return reply.send(body ?? '');
    },
  );

  app.get(
    '/projects/:id/jobs/:job_id/trace/stream',
    {
      schema: {
        summary: 'The job log live, as Server-Sent Events: `log` events {offset, text}, then `end` {status}',
        tags,
        params: JobParams,
        querystring: Type.Object({ offset: Type.Optional(Type.Integer({ minimum: 0 })) }),
        produces: ['text/event-stream'],
      },
    },
    async (request, reply) => {
      const { id, job_id } = request.params;
      await deps.jobs.get(request.actor!, id, job_id);
      const lastEventId = Number(request.headers['last-event-id']);
      let offset =
        Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : (request.query.offset ?? 0);
      const stream = openStream(reply);
      let wake: (() => void) | null = null;
      let wakeTimer: NodeJS.Timeout | undefined;
      const nudge = () => {
        clearTimeout(wakeTimer);
        const resolve = wake;
        wake = null;
        resolve?.();
      };
      const offLog = deps.bus.on('job-log', (event) => event.jobId === job_id && nudge());
      const offJob = deps.bus.on('job', (event) => event.id === job_id && nudge());
      stream.onClose(nudge);
      const decoder = new StringDecoder('utf8');
      const send = async (text: string) => {
        if (!stream.write(text)) await stream.drained();
      };
      let endStatus = 'unavailable';
      try {
        while (!stream.closed) {
          // Only as much as one chunk is ever held: a slow client slows reading, never fills memory.
          const { job, size, body } = await deps.jobs.trace(request.actor!, id, job_id, offset);
          if (body) {
            for await (const chunk of body as AsyncIterable<Buffer>) {
              offset += chunk.length;
              const text = decoder.write(chunk);
              if (text.length > 0) await send(sseMessage('log', { offset, text }, offset));
              if (stream.closed) break;
            }
            continue;
          }
          if (isFinished(job.status as JobStatus) && offset >= size) {
            endStatus = job.status;
            break;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            wakeTimer = setTimeout(nudge, 15_000);
          });
          if (!stream.closed) await send(SSE_KEEP_ALIVE);
        }
      } catch (error) {
        // The job was deleted, or access revoked, mid-stream: say so instead of just hanging up.
        request.log.warn({ err: error }, 'job log stream ended early');
      } finally {
        offLog();
        offJob();
        clearTimeout(wakeTimer);
        stream.end(sseMessage('end', { status: endStatus, offset }));
      }
    },
  );

  app.get(
    '/projects/:id/jobs/:job_id/artifacts',
    {
      schema: {
        summary: 'Download a job’s artifacts (.tar.gz)',
        tags,
        params: JobParams,
        produces: ['application/gzip'],
      },
    },
    async (request, reply) => {
      const { artifact, body } = await deps.jobs.artifacts(
        request.actor!,
        request.params.id,
        request.params.job_id,
      );
      return reply
        .header('content-type', 'application/gzip')
        .header('content-length', String(artifact.size))
        .header('content-disposition', `attachment; filename="job-${artifact.job_id}-artifacts.tar.gz"`)
        .send(body);
    },
  );
}
