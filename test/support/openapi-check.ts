/**
 * Holds responses to the OpenAPI document: every JSON body the API sends
 * must match the schema the document gives for its operation and status,
 * and the status itself must be documented. Installed in the HTTP tests'
 * host app, so behaviour and docs cannot drift apart unnoticed.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import type { Context, Middleware, Next } from 'koa';

import type {
  JsonSchema,
  OpenApiDocument,
  OperationObject,
  RefObject,
  ResponseObject,
} from '../../src/http/openapi.js';
import type { RouteSpec } from '../../src/http/route.js';

/** One response to check. */
export interface ResponseSample {
  method: string;
  /** The document's path template, e.g. `/users/{userId}/progress`. */
  path: string;
  status: number;
  /** The parsed JSON body, or undefined for an empty one. */
  body: unknown;
}

/** A response that the document does not describe. */
export class ResponseMismatchError extends Error {
  override name = 'ResponseMismatchError';
  readonly status = 500;
  readonly expose = true;
}

type Check = (sample: ResponseSample) => void;

const addFormats = formats as unknown as typeof formats.default;

const BODY_LIMIT = 1500;

function isRef(value: ResponseObject | RefObject): value is RefObject {
  return '$ref' in value;
}

function resolveResponse(
  doc: OpenApiDocument,
  response: ResponseObject | RefObject,
): ResponseObject {
  if (!isRef(response)) return response;

  const name = response.$ref.replace('#/components/responses/', '');
  const resolved = doc.components.responses[name];

  if (!resolved) throw new Error(`openapi-check: dangling ${response.$ref}`);

  return resolved;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);

  return text === undefined ? 'undefined' : text;
}

function valueAt(body: unknown, pointer: string): unknown {
  return pointer.split('/').slice(1).reduce<unknown>((node, key) => {
    const name = key.replaceAll('~1', '/').replaceAll('~0', '~');

    return node === null || typeof node !== 'object'
      ? undefined
      : (node as Record<string, unknown>)[name];
  }, body);
}

/** One line per schema error: where, what was expected, what came. */
function describeErrors(errors: ErrorObject[], body: unknown): string {
  return errors
    .map((e) => {
      const where = e.instancePath || '(body)';
      const got = show(valueAt(body, e.instancePath));
      const params = show(e.params);

      return `  ${where}: ${e.message} ${params}\n    got: ${got.slice(0, 200)}`;
    })
    .join('\n');
}

function mismatch(sample: ResponseSample, detail: string): never {
  const head = `${sample.method} ${sample.path} → ${sample.status}`;
  const body = show(sample.body).slice(0, BODY_LIMIT);

  throw new ResponseMismatchError(
    `Response does not match the OpenAPI document: ${head}\n${detail}\n` +
      `  body: ${body}`,
  );
}

/**
 * Compiles, once each, the response schemas of a document and returns a
 * function that checks one response against them. It throws a
 * {@link ResponseMismatchError} listing every difference when the body
 * does not match, or when the status is not documented for the operation.
 *
 * @example
 * const check = createResponseValidator(doc);
 * check({ method: 'GET', path: '/categories', status: 200, body });
 */
export function createResponseValidator(doc: OpenApiDocument): Check {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const compiled = new Map<JsonSchema, ValidateFunction>();

  addFormats(ajv);
  ajv.addSchema({
    $id: 'openapi:components',
    components: { schemas: doc.components.schemas },
  });

  function compile(schema: JsonSchema): ValidateFunction {
    const known = compiled.get(schema);

    if (known) return known;

    const validate = ajv.compile(rebase(schema));

    compiled.set(schema, validate);

    return validate;
  }

  return function checkResponse(sample: ResponseSample): void {
    const operation = operationOf(doc, sample);
    const documented = operation?.responses[String(sample.status)] ??
      operation?.responses[`${String(sample.status)[0]}XX`];

    if (!operation) return checkUnrouted(doc, sample, compile);
    if (!documented) {
      const listed = Object.keys(operation.responses).join(', ');

      mismatch(sample, `  status ${sample.status} is not documented ` +
        `(documented: ${listed})`);
    }

    checkBody(resolveResponse(doc, documented), sample, compile);
  };
}

/** `#/components/...` refs, pointed at the shared components schema. */
function rebase(schema: JsonSchema): JsonSchema {
  const text = JSON.stringify(schema).replaceAll(
    '"#/components/',
    '"openapi:components#/components/',
  );

  return JSON.parse(text) as JsonSchema;
}

function operationOf(
  doc: OpenApiDocument,
  sample: ResponseSample,
): OperationObject | undefined {
  return doc.paths[sample.path]?.[sample.method.toLowerCase()];
}

function checkBody(
  response: ResponseObject,
  sample: ResponseSample,
  compile: (schema: JsonSchema) => ValidateFunction,
): void {
  const schema = response.content?.['application/json']?.schema;

  if (sample.body === undefined) {
    if (schema) mismatch(sample, '  an empty body, but a JSON body is documented');

    return;
  }
  if (!schema) mismatch(sample, '  a JSON body, but none is documented');

  const validate = compile(schema);

  if (!validate(sample.body)) {
    mismatch(sample, describeErrors(validate.errors ?? [], sample.body));
  }
}

/** Unknown paths and methods: an error status with the `Error` body. */
function checkUnrouted(
  doc: OpenApiDocument,
  sample: ResponseSample,
  compile: (schema: JsonSchema) => ValidateFunction,
): void {
  if (sample.status < 400) {
    mismatch(sample, '  a success answer to an undocumented operation');
  }

  checkBody(
    {
      description: 'Error',
      content: { 'application/json': { schema: doc.components.schemas.Error } },
    },
    sample,
    compile,
  );
}

/** The document's path template that matches a concrete path, if any. */
export function matchPath(
  doc: OpenApiDocument,
  path: string,
): string | undefined {
  const wanted = path === '' ? '/' : path;
  const params = (template: string) => template.split('{').length;
  const matches = Object.keys(doc.paths).filter((template) => {
    const pattern = template
      .split(/\{\w+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+');

    return new RegExp(`^${pattern}/?$`).test(wanted);
  });

  // A literal segment wins over a parameter.
  return matches.sort((a, b) => params(a) - params(b))[0];
}

/** The document the plugin serves, taken from its own route. */
export async function servedDocument(lms: {
  routes: readonly RouteSpec[];
}): Promise<OpenApiDocument> {
  const route = lms.routes.find((r) => r.path === '/openapi.json');

  if (!route) throw new Error('openapi-check: no /openapi.json route');

  const result = await route.handle({} as never);

  return result.body as OpenApiDocument;
}

function jsonBody(ctx: Context): unknown {
  const body: unknown = ctx.body;

  if (body === undefined || body === null || ctx.status === 204) return undefined;
  if (typeof body === 'string') return JSON.parse(body);

  return JSON.parse(JSON.stringify(body));
}

function isJsonOrEmpty(ctx: Context): boolean {
  if (ctx.body === undefined || ctx.body === null) return true;
  if (Buffer.isBuffer(ctx.body)) return false;

  return Boolean(ctx.response.is('json'));
}

/**
 * Koa middleware for a test host app: checks every JSON (or empty)
 * response under the document's server path against the document. Put it
 * first, before the plugin's middleware; a mismatch becomes a 500 whose
 * body says what differs.
 *
 * @example
 * app.use(validateResponses(() => servedDocument(lms)));
 * app.use(lms.middleware());
 */
export function validateResponses(
  source: OpenApiDocument | (() => Promise<OpenApiDocument>),
): Middleware {
  let ready: Promise<{ check: Check; doc: OpenApiDocument }> | null = null;

  async function prepare() {
    const doc = typeof source === 'function' ? await source() : source;

    return { doc, check: createResponseValidator(doc) };
  }

  return async function openApiResponseCheck(ctx: Context, next: Next) {
    await next();

    if (ctx.method === 'HEAD' || ctx.method === 'OPTIONS') return;

    ready ??= prepare();
    const { doc, check } = await ready;
    const prefix = new URL(doc.servers[0].url).pathname.replace(/\/$/, '');

    if (ctx.path !== prefix && !ctx.path.startsWith(`${prefix}/`)) return;
    if (!isJsonOrEmpty(ctx)) return;

    const below = ctx.path.slice(prefix.length);

    check({
      method: ctx.method,
      path: matchPath(doc, below) ?? below,
      status: ctx.status,
      body: jsonBody(ctx),
    });
  };
}
