import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// Bodies are validated strictly: a wrong type is an error, never coerced, and unknown fields are
// rejected rather than silently dropped (Fastify's default would strip them).
const common: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
const bodies = addFormats(new Ajv({ ...common, coerceTypes: false }));
// Query strings and path parameters arrive as text, so numbers and booleans there are coerced.
const parameters = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

/** Compiles route schemas: strict for bodies, coercing for query strings, params and headers. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodies : parameters;
  return ajv.compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
};
