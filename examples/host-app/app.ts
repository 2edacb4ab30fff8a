/**
 * An existing Koa application that mounts the LMS API next to its own
 * routes and its own error handling.
 */
import Koa from 'koa';

import { createLmsApi, type LmsApiOptions } from '../../src/index.js';

export function createHostApp(options: LmsApiOptions) {
  const app = new Koa();
  const lms = createLmsApi(options);

  app.use(async function hostErrorPage(ctx, next) {
    try {
      await next();
    } catch (error) {
      ctx.status = 500;
      ctx.type = 'html';
      ctx.body = '<h1>Host error page</h1>';
      ctx.app.emit('error', error, ctx);
    }
  });

  app.use(lms.middleware());

  app.use(async function hostRoutes(ctx, next) {
    if (ctx.path === '/') {
      ctx.body = { app: 'host', lms: `${lms.prefix}` };
      return;
    }
    if (ctx.path === '/boom') throw new Error('host failure');

    await next();
  });

  return { app, lms };
}
