import { Directory } from './schemas.js';
import { defineRoute, type RouteSpec } from './route.js';

export interface DirectoryDeps {
  serviceName: string;
  prefix: string;
  publicUrl: string;
  /** Every route the plugin serves, this one included. */
  routes: () => RouteSpec[];
}

/** What the directory lists for one route. */
export function describeEndpoint(route: RouteSpec, prefix: string) {
  return {
    method: route.method,
    path: prefix + route.path,
    permission: route.permission ?? 'None',
    description: route.description,
  };
}

export function directoryRoutes(deps: DirectoryDeps): RouteSpec[] {
  let endpoints: ReturnType<typeof describeEndpoint>[] | null = null;

  return [
    defineRoute({
      method: 'GET',
      path: '',
      permission: 'ReadOnly',
      description: 'API metadata',
      tag: 'Directory',
      responses: { 200: { description: 'The directory.', schema: Directory } },
      async handle() {
        endpoints ??= deps.routes()
          .filter((r) => !r.hidden)
          .map((r) => describeEndpoint(r, deps.prefix));

        return {
          status: 200,
          body: {
            service: deps.serviceName,
            version: 'v1',
            docs: `${deps.publicUrl}${deps.prefix}/docs`,
            endpoints,
          },
        };
      },
    }),
  ];
}

