/**
 * `GET /openapi.json` and `GET /docs`: the generated OpenAPI document and
 * a Swagger UI page that renders it, with every asset served from here.
 */
import { Type } from '@sinclair/typebox';

import { loadDocsAssets, type DocsAsset } from './docs-assets.js';
import {
  buildOpenApiDocument,
  type OpenApiDocument,
  type WebhookEventDoc,
} from './openapi.js';
import { defineRoute, type RouteSpec } from './route.js';
import { WEBHOOK_EVENTS } from './webhook-schemas.js';

/** What {@link docsRoutes} needs from the plugin. */
export interface DocsDeps {
  serviceName: string;
  prefix: string;
  publicUrl: string;
  keyHeader: string;
  /** Every route the plugin serves; read once, on the first request. */
  routes: () => readonly RouteSpec[];
  /** Events for the document's `webhooks` map. Default: all three. */
  webhookEvents?: readonly WebhookEventDoc[];
}

const YEAR_SECONDS = 365 * 24 * 60 * 60;

const OpenApiBody = Type.Object(
  { openapi: Type.Literal('3.1.0') },
  { description: 'An OpenAPI 3.1 document.' },
);

function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  };

  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

/** The page's policy: scripts, styles and data only from this origin. */
function contentSecurityPolicy(publicUrl: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${new URL(publicUrl).origin}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join('; ');
}

function pageHtml(title: string, base: string, assets: string): string {
  const name = escapeHtml(title);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name} · API docs</title>
<link rel="stylesheet" href="${assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="${assets}/favicon-32x32.png">
</head>
<body>
<noscript>The API docs need JavaScript. The document itself is at
<a href="${base}/openapi.json">openapi.json</a>.</noscript>
<div id="swagger-ui" data-spec-url="${base}/openapi.json"></div>
<script src="${assets}/swagger-ui-bundle.js"></script>
<script src="${assets}/docs-init.js"></script>
</body>
</html>
`;
}

function openApiRoute(document: () => OpenApiDocument): RouteSpec {
  return defineRoute({
    method: 'GET',
    path: '/openapi.json',
    permission: null,
    description: 'OpenAPI document',
    tag: 'Docs',
    responses: {
      200: { description: 'This document.', schema: OpenApiBody },
    },
    async handle() {
      return { status: 200, body: document() };
    },
  });
}

function pageRoute(deps: DocsDeps, base: string, assets: string): RouteSpec {
  const html = pageHtml(deps.serviceName, base, assets);
  const headers = {
    'Content-Security-Policy': contentSecurityPolicy(deps.publicUrl),
    'Referrer-Policy': 'no-referrer',
  };

  return defineRoute({
    method: 'GET',
    path: '/docs',
    permission: null,
    description: 'API docs page',
    tag: 'Docs',
    responses: {
      200: {
        description: 'An HTML page that renders the OpenAPI document.',
        schema: Type.String(),
        type: 'text/html',
      },
    },
    async handle() {
      return { status: 200, body: html, type: 'html', headers };
    },
  });
}

function assetRoute(asset: DocsAsset, path: string): RouteSpec {
  const headers = {
    'Cache-Control': `public, max-age=${YEAR_SECONDS}, immutable`,
  };

  return defineRoute({
    method: 'GET',
    path: `${path}/${asset.name}`,
    permission: null,
    description: `Docs asset ${asset.name}`,
    tag: 'Docs',
    hidden: true,
    responses: { 200: { description: asset.name, schema: null } },
    async handle() {
      const body = await asset.read();

      return { status: 200, body, type: asset.type, headers };
    },
  });
}

/** The path the host is reached at, e.g. `/lms` for `https://x.com/lms`. */
function basePath(publicUrl: string, prefix: string): string {
  return new URL(publicUrl).pathname.replace(/\/+$/, '') + prefix;
}

/**
 * The docs routes: the OpenAPI document and the docs page, both open and
 * listed in the directory, and the page's assets, served without a key
 * and hidden from the directory and the document. The document is built
 * on the first request and kept.
 *
 * @example
 * const routes = [...docsRoutes({ serviceName, prefix, publicUrl,
 *   keyHeader, routes: () => routes })];
 */
export function docsRoutes(deps: DocsDeps): RouteSpec[] {
  const { tag, assets } = loadDocsAssets();
  const assetPath = `/docs/assets/${tag}`;
  const base = basePath(deps.publicUrl, deps.prefix);
  let document: OpenApiDocument | null = null;

  function built(): OpenApiDocument {
    document ??= buildOpenApiDocument({
      ...deps,
      routes: deps.routes(),
      webhookEvents: deps.webhookEvents ?? WEBHOOK_EVENTS,
    });

    return document;
  }

  return [
    openApiRoute(built),
    pageRoute(deps, base, `${base}${assetPath}`),
    ...assets.map((asset) => assetRoute(asset, assetPath)),
  ];
}
