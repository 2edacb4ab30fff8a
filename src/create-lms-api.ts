import type { Middleware } from 'koa';

import { assignmentRoutes } from './http/assignments.js';
import { categoryRoutes } from './http/categories.js';
import { createApiMiddleware } from './http/api-router.js';
import { directoryRoutes } from './http/directory.js';
import { docsRoutes } from './http/docs.js';
import { progressRoutes } from './http/progress.js';
import type { RouteSpec } from './http/route.js';
import { webhookRoutes } from './http/webhooks.js';
import { resolveOptions, type LmsApiOptions } from './options.js';
import { createAssignmentService } from './services/assignments.js';
import { createAuthenticator } from './services/auth/authenticator.js';
import { createKeyAdmin } from './services/auth/key-admin.js';
import { KeyCache } from './services/auth/key-cache.js';
import { KeyUsageTracker } from './services/auth/usage-tracker.js';
import { createCatalogAdmin } from './services/catalog-admin.js';
import { formatInstant } from './services/views.js';
import { createWebhookFeature } from './services/webhooks/feature.js';

/**
 * Creates the CertBoost LMS API v1 for a Koa host.
 *
 * @example
 * const lms = createLmsApi({ storage: createMemoryStorage(),
 *   masterKey: process.env.LMS_API_MASTER_KEY,
 *   publicUrl: 'https://lms.example.com' });
 * app.use(lms.middleware());
 */
export function createLmsApi(options: LmsApiOptions) {
  const config = resolveOptions(options);
  const { storage, now } = config;
  const usage = new KeyUsageTracker({
    keys: storage.keys,
    logger: config.logger,
    flushIntervalMs: config.flushIntervalMs,
    minIntervalMs: config.minIntervalMs,
  });
  const keyCache = new KeyCache(storage.keys, config.keyCacheTtlMs, now);
  const webhooks = createWebhookFeature({
    storage, now, logger: config.logger, options: config.webhooks,
  });
  const launchUrl = config.launchUrl ??
    ((a) => `${config.publicUrl}/Learning/Assignment/${a.assignmentId}`);
  const createAssignment = createAssignmentService({
    catalog: config.catalog,
    assignments: webhooks.publishing.assignments,
    now,
    launchUrl: (a) => launchUrl({
      ...a,
      dueAt: a.dueAt && formatInstant(a.dueAt),
      createdAt: formatInstant(a.createdAt),
    }),
  });
  const routes: RouteSpec[] = [
    ...directoryRoutes({
      serviceName: config.serviceName,
      prefix: config.prefix,
      publicUrl: config.publicUrl,
      routes: () => routes,
    }),
    ...categoryRoutes(config.catalog),
    ...progressRoutes(config.catalog),
    ...assignmentRoutes(createAssignment),
    ...webhookRoutes(webhooks.services),
    ...docsRoutes({
      serviceName: config.serviceName,
      prefix: config.prefix,
      publicUrl: config.publicUrl,
      keyHeader: config.keyHeader,
      routes: () => routes,
    }),
  ];
  let middleware: Middleware | null = null;

  usage.start();
  webhooks.start();

  return {
    /** Koa middleware serving everything under the prefix. */
    middleware(): Middleware {
      middleware ??= createApiMiddleware({
        prefix: config.prefix,
        keyHeader: config.keyHeader,
        serviceName: config.serviceName,
        bodyLimitBytes: config.bodyLimitBytes,
        logger: config.logger,
        authenticate: createAuthenticator({
          keys: keyCache,
          masterKey: config.masterKey,
          usage,
          now,
        }),
        routes,
      });

      return middleware;
    },

    /** Every route with its schemas, for docs and tooling. */
    routes: routes as readonly RouteSpec[],

    prefix: config.prefix,

    keys: createKeyAdmin(storage.keys, keyCache, usage, now),

    ...createCatalogAdmin({
      catalog: webhooks.publishing.catalog,
      webhooks: webhooks.publishing.webhooks,
      hostCatalog: config.catalog !== storage.catalog,
      now,
    }),

    /** Webhook delivery: `runOnce()` delivers what is due now. */
    webhooks: webhooks.lmsWebhooks,

    /**
     * Stops background work: writes pending key use, stops claiming
     * webhook deliveries and waits for the attempts in flight.
     */
    async close(): Promise<void> {
      await Promise.all([usage.close(), webhooks.close()]);
    },
  };
}

export type LmsApi = ReturnType<typeof createLmsApi>;
