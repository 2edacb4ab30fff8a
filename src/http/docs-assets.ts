/**
 * The static files of the docs page: a fixed allow-list from the
 * swagger-ui-dist package, read from node_modules on first use and kept in
 * memory, plus the page's own init script. Nothing comes from a CDN.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One file the docs page loads. */
export interface DocsAsset {
  /** File name in the URL, e.g. `swagger-ui.css`. */
  name: string;
  /** Content-Type header. */
  type: string;
  /** The file's bytes, read once. */
  read(): Promise<Buffer>;
}

const SWAGGER_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/**
 * Starts Swagger UI on the element that names the document's URL. A file
 * of its own rather than an inline script, so the page's CSP needs no
 * 'unsafe-inline'.
 */
const INIT_SCRIPT = `'use strict';
(function () {
  var root = document.getElementById('swagger-ui');

  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    domNode: root,
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    defaultModelsExpandDepth: 0,
  });
})();
`;

const INIT_SCRIPT_NAME = 'docs-init.js';

/** Where swagger-ui-dist is installed, and its version. */
function swaggerUiPackage(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('swagger-ui-dist/package.json');
  const { version } = require(manifest) as { version: string };

  return { dir: dirname(manifest), version };
}

function once(load: () => Promise<Buffer>): () => Promise<Buffer> {
  let loaded: Promise<Buffer> | null = null;

  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = null;
      throw error;
    });

    return loaded;
  };
}

/**
 * Every asset the page may load, and the version tag that goes in their
 * URLs: it changes when swagger-ui-dist or the init script does, so the
 * files can be cached for a year.
 */
export function loadDocsAssets(): { tag: string; assets: DocsAsset[] } {
  const { dir, version } = swaggerUiPackage();
  const digest = createHash('sha256').update(INIT_SCRIPT).digest('hex');
  const assets: DocsAsset[] = Object.entries(SWAGGER_FILES).map(
    ([name, type]) => ({
      name,
      type,
      read: once(() => readFile(join(dir, name))),
    }),
  );

  assets.push({
    name: INIT_SCRIPT_NAME,
    type: 'text/javascript; charset=utf-8',
    read: async () => Buffer.from(INIT_SCRIPT),
  });

  return { tag: `${version}-${digest.slice(0, 8)}`, assets };
}
