/**
 * The OpenAPI document: valid OpenAPI 3.1 with valid JSON Schemas, and a
 * faithful picture of the route table it is generated from.
 */
import assert from 'node:assert/strict';

import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { suite } from 'uvu';

import { createMemoryStorage } from '../../adapters/memory/index.js';
import { createLmsApi, type RouteSpec } from '../../src/index.js';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  type OperationObject,
  type RefObject,
  type ResponseObject,
} from '../../src/http/openapi.js';
import { servedDocument } from '../support/openapi-check.js';

const addFormats = formats as unknown as typeof formats.default;
const PUBLIC_URL = 'https://lms.example.com';

async function documentOf(options: { keyHeader?: string } = {}) {
  const lms = createLmsApi({
    storage: createMemoryStorage(),
    publicUrl: PUBLIC_URL,
    ...options,
  });
  const doc = await servedDocument(lms);

  await lms.close();

  return { lms, doc };
}

function operation(
  doc: OpenApiDocument,
  method: string,
  path: string,
): OperationObject {
  const found = doc.paths[path]?.[method.toLowerCase()];

  assert.ok(found, `${method} ${path} is not in the document`);

  return found;
}

/** Every schema in the document, with where it sits, for the meta check. */
function collectSchemas(doc: OpenApiDocument): [string, object][] {
  const found: [string, object][] = [];

  function visit(node: unknown, where: string): void {
    if (node === null || typeof node !== 'object') return;

    for (const [key, value] of Object.entries(node)) {
      if (key === 'schema') found.push([`${where}/schema`, value]);
      else visit(value, `${where}/${key}`);
    }
  }

  visit(doc.paths, '#/paths');
  visit(doc.webhooks, '#/webhooks');
  visit(doc.components.responses, '#/components/responses');
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    found.push([`#/components/schemas/${name}`, schema]);
  }

  return found;
}

const visible = (routes: readonly RouteSpec[]) =>
  routes.filter((route) => !route.hidden);

const test = suite('OpenAPI document');

test('passes swagger-parser validation as OpenAPI 3.1', async () => {
  const { doc } = await documentOf();
  const api = await SwaggerParser.validate(structuredClone(doc) as never);

  assert.equal(doc.openapi, '3.1.0');
  assert.equal((api as { openapi: string }).openapi, '3.1.0');
});

test('swagger-parser rejects a broken $ref, so the check above bites', async () => {
  const { doc } = await documentOf();
  const broken = structuredClone(doc);
  const get = operation(broken, 'GET', '/categories');

  get.responses['200'] = {
    description: 'x',
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/Nope' } },
    },
  };

  await assert.rejects(SwaggerParser.validate(broken as never));
});

/** `#/components/schemas/X` refs as absolute URIs, one schema per URI. */
function rebased(schema: object): object {
  const text = JSON.stringify(schema).replaceAll(
    '"#/components/schemas/', '"https://doc.test/schemas/');

  return JSON.parse(text) as object;
}

test('every schema is valid JSON Schema 2020-12 and compiles strictly',
  async () => {
    const { doc } = await documentOf();
    const ajv = new Ajv2020({ strict: true, strictTypes: false });

    addFormats(ajv);
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      ajv.addSchema(rebased(schema), `https://doc.test/schemas/${name}`);
    }

    for (const [where, schema] of collectSchemas(doc)) {
      assert.ok(ajv.validateSchema(schema), `${where}: ` +
        ajv.errorsText(ajv.errors));
      assert.doesNotThrow(() => ajv.compile(rebased(schema)), where);
    }
  });

test('the strict schema check catches a bad keyword', () => {
  const ajv = new Ajv2020({ strict: true });

  assert.equal(ajv.validateSchema({ type: 'nonsense' }), false);
  assert.throws(() => ajv.compile({ type: 'string', minLenght: 1 }));
});

test('carries no TypeBox internals', async () => {
  const { doc } = await documentOf();
  const text = JSON.stringify(doc);

  assert.equal(text.includes('"$id"'), false);
  assert.deepEqual(JSON.parse(text), doc);
});

test('has every visible route with its method, and no hidden one', async () => {
  const { lms, doc } = await documentOf();
  const listed = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
  const expected = visible(lms.routes).map((route) =>
    `${route.method} ${route.path || '/'}`);

  assert.deepEqual(listed.sort(), expected.sort());
  assert.ok(lms.routes.some((route) => route.hidden), 'assets are routes');
});

test('uses the public URL and prefix as its server', async () => {
  const { doc } = await documentOf();

  assert.deepEqual(doc.servers, [{ url: `${PUBLIC_URL}/api/lms/v1` }]);
});

test('gives every operation a unique operationId, a summary and a tag',
  async () => {
    const { lms, doc } = await documentOf();
    const ids = new Set<string>();

    for (const route of visible(lms.routes)) {
      const op = operation(doc, route.method, route.path || '/');

      assert.equal(op.summary, route.description);
      assert.deepEqual(op.tags, [route.tag]);
      assert.match(op.operationId, /^[a-z][A-Za-z0-9]+$/);
      assert.equal(ids.has(op.operationId), false, op.operationId);
      ids.add(op.operationId);
    }
  });

test('declares the three security schemes', async () => {
  const { doc } = await documentOf({ keyHeader: 'X-Custom-Key' });
  const schemes = doc.components.securitySchemes;

  assert.deepEqual(
    { type: schemes.ApiKeyHeader.type, in: schemes.ApiKeyHeader.in,
      name: schemes.ApiKeyHeader.name },
    { type: 'apiKey', in: 'header', name: 'X-Custom-Key' },
  );
  assert.equal(schemes.BearerKey.type, 'http');
  assert.equal(schemes.BearerKey.scheme, 'bearer');
  assert.equal(schemes.ApiKeyQuery.in, 'query');
  assert.equal(schemes.ApiKeyQuery.name, 'api_key');
  assert.equal(schemes.ApiKeyQuery['x-deprecated'], true);
  assert.match(String(schemes.ApiKeyQuery.description), /^Deprecated/);
});

test('asks a key of exactly the routes that need one', async () => {
  const { lms, doc } = await documentOf();

  for (const route of visible(lms.routes)) {
    const op = operation(doc, route.method, route.path || '/');
    const schemes = (op.security ?? []).flatMap((s) => Object.keys(s));

    if (route.permission === null) assert.deepEqual(op.security, []);
    else {
      assert.deepEqual(schemes, ['ApiKeyHeader', 'BearerKey', 'ApiKeyQuery']);
    }
    assert.equal(op['x-permission'], route.permission ?? 'None');
  }
});

test('documents path and query parameters with types and descriptions',
  async () => {
    const { doc } = await documentOf();
    const progress = operation(doc, 'GET', '/users/{userId}/progress');
    const byName = Object.fromEntries(
      (progress.parameters ?? []).map((p) => [p.name, p]),
    );

    assert.equal(byName.userId.in, 'path');
    assert.equal(byName.userId.required, true);
    assert.equal(byName.userId.schema.type, 'string');
    assert.equal(byName.recent.in, 'query');
    assert.equal(byName.recent.required, false);
    assert.equal(byName.recent.schema.type, 'integer');
    assert.equal(byName.recent.schema.minimum, 1);
    assert.match(String(byName.recent.description), /newest attempts/);
    assert.equal(byName.fromUtc.schema.format, 'date-time');

    const categories = operation(doc, 'GET', '/categories');
    const names = (categories.parameters ?? []).map((p) => p.name);

    assert.deepEqual(names, ['search', 'includeOff']);
  });

test('documents request bodies as JSON with their named schema', async () => {
  const { doc } = await documentOf();
  const post = operation(doc, 'POST', '/assignments');

  assert.equal(post.requestBody?.required, true);
  assert.deepEqual(post.requestBody?.content, {
    'application/json': {
      schema: { $ref: '#/components/schemas/NewAssignment' },
    },
  });
  assert.deepEqual(doc.components.schemas.NewAssignment.required,
    ['userId', 'categoryId']);
});

function errorStatuses(op: OperationObject): string[] {
  return Object.keys(op.responses).filter((status) => Number(status) >= 400);
}

function resolve(doc: OpenApiDocument, r: ResponseObject | RefObject) {
  return '$ref' in r
    ? doc.components.responses[r.$ref.split('/').pop() as string]
    : r;
}

test('lists each error a route can answer, all with the Error schema',
  async () => {
    const { doc } = await documentOf();
    const error = { $ref: '#/components/schemas/Error' };

    assert.deepEqual(errorStatuses(operation(doc, 'POST', '/assignments')),
      ['400', '401', '403', '404', '413', '415', '500', '503']);
    assert.deepEqual(errorStatuses(operation(doc, 'GET', '/')),
      ['401', '403', '500', '503']);
    assert.deepEqual(errorStatuses(operation(doc, 'GET', '/openapi.json')),
      ['500']);

    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        for (const status of errorStatuses(op as OperationObject)) {
          const response = resolve(doc, (op as OperationObject).responses[status]);

          assert.deepEqual(response.content?.['application/json'].schema, error);
        }
      }
    }
  });

test('names Retry-After on 503 and the challenge on 401', async () => {
  const { doc } = await documentOf();
  const responses = doc.components.responses;

  assert.ok(responses.ServiceUnavailable.headers?.['Retry-After']);
  assert.ok(responses.Unauthorized.headers?.['WWW-Authenticate']);
  assert.deepEqual(doc.components.schemas.Error.required, ['error']);
});

test('documents the three webhook events with envelope and headers',
  async () => {
    const { doc } = await documentOf();

    assert.deepEqual(Object.keys(doc.webhooks).sort(),
      ['assignment.created', 'attempt.completed', 'webhook.test']);

    for (const [type, item] of Object.entries(doc.webhooks)) {
      const post = item.post as OperationObject;
      const ref = post.requestBody?.content['application/json'].schema.$ref;
      const envelope = doc.components.schemas[String(ref).split('/').pop()!];
      const headers = (post.parameters ?? []).map((p) => `${p.in}:${p.name}`);

      assert.deepEqual(envelope.required, ['type', 'timestamp', 'data']);
      assert.deepEqual(
        (envelope.properties as Record<string, { const?: string }>).type.const,
        type,
      );
      assert.deepEqual(headers, ['header:webhook-id',
        'header:webhook-timestamp', 'header:webhook-signature']);
    }
  });

test('assignment.created carries the Assignment schema as data', async () => {
  const { doc } = await documentOf();
  const envelope = doc.components.schemas.AssignmentCreatedEvent;
  const data = (envelope.properties as Record<string, object>).data;

  assert.deepEqual(data, { $ref: '#/components/schemas/Assignment' });
});

test('is built once and served from cache', async () => {
  const lms = createLmsApi({ storage: createMemoryStorage(), publicUrl: PUBLIC_URL });
  const first = await servedDocument(lms);
  const second = await servedDocument(lms);

  await lms.close();
  assert.equal(first, second);
});

test('the builder refuses two different schemas under one $id', async () => {
  const { lms } = await documentOf();
  const options = {
    prefix: '/p', serviceName: 'S', publicUrl: PUBLIC_URL, keyHeader: 'K',
  };
  const categories = lms.routes.find((r) => r.path === '/categories');
  const clash = {
    ...categories,
    path: '/clash',
    responses: {
      200: { description: 'x', schema: { $id: 'Category', type: 'number' } },
    },
  } as unknown as RouteSpec;
  const routes = [...lms.routes, clash];

  assert.throws(() => buildOpenApiDocument({ ...options, routes }),
    /two different schemas use the \$id "Category"/);
});

test.run();
