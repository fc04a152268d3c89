import { Type } from 'typebox';
import { MAX_PER_PAGE } from '../domain/pagination.ts';
import { ErrorView } from './resource-views.ts';

/** `:id` of a project: a number or a URL-encoded path such as `group%2Fapp`. */
export const ProjectParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 400 }) });

export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE })),
});

/** The error responses every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  400: ErrorView,
  401: ErrorView,
  403: ErrorView,
  404: ErrorView,
  409: ErrorView,
  413: ErrorView,
  415: ErrorView,
} as const;
