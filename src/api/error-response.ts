import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, type ErrorDetail, GantryError } from '../domain/errors.ts';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

/** The one error shape every API route answers with. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[] };
}

export const errorBody = (code: ErrorCode, message: string, details: ErrorDetail[] = []): ErrorBody => ({
  error: { code, message, details },
});

/** Sends a GantryError (or any error) as `{ error: { code, message, details } }` with its status. */
export function sendError(reply: FastifyReply, error: GantryError): FastifyReply {
  if (error.code === 'unauthorized') reply.header('www-authenticate', 'Bearer realm="gantry"');
  return reply.status(STATUS[error.code]).send(errorBody(error.code, error.message, error.details));
}

interface AjvIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** Maps anything thrown in a route to the error shape; internal errors are logged and never described. */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof GantryError) return sendError(reply, error);
  const fastifyError = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fastifyError.validation) {
    const where = fastifyError.validationContext ?? 'body';
    const details = fastifyError.validation.map((issue) => describeIssue(issue, where));
    const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
    return sendError(reply, new GantryError('validation_failed', `invalid ${where}: ${summary}`, details));
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendError(reply, new GantryError('payload_too_large', 'request body is larger than the limit'));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendError(
        reply,
        new GantryError('unsupported_media_type', 'send the request body as application/json'),
      );
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendError(reply, new GantryError('bad_request', 'the JSON request body is empty'));
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendError(reply, new GantryError('bad_request', `malformed JSON body: ${error.message}`));
  }
  if (error instanceof SyntaxError) {
    return sendError(reply, new GantryError('bad_request', `malformed JSON body: ${error.message}`));
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendError(
      reply,
      new GantryError(status === 413 ? 'payload_too_large' : 'bad_request', error.message),
    );
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, new GantryError('internal', 'internal server error'));
}

function describeIssue(issue: AjvIssue, where: string): ErrorDetail {
  const base = where === 'body' ? '' : `/${where}`;
  if (issue.keyword === 'additionalProperties') {
    return {
      path: `${base}${issue.instancePath}/${String(issue.params.additionalProperty)}`,
      message: 'unknown field',
    };
  }
  if (issue.keyword === 'required') {
    return {
      path: `${base}${issue.instancePath}/${String(issue.params.missingProperty)}`,
      message: 'is required',
    };
  }
  return { path: `${base}${issue.instancePath}` || '/', message: issue.message ?? 'is invalid' };
}
