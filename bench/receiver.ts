/**
 * The webhook receiver of the delivery benchmark: answers 204 at once on
 * 127.0.0.1 and counts deliveries and repeated webhook-ids.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  /** Requests received and webhook-ids seen more than once, so far. */
  counts(): { received: number; duplicates: number };
  /** Forgets what was received, between adapters. */
  reset(): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const seen = new Set<string>();
  let received = 0;
  let duplicates = 0;
  const server = createServer((req, res) => {
    const id = String(req.headers['webhook-id']);

    req.resume();
    req.on('end', () => {
      received++;
      if (seen.has(id)) duplicates++;
      seen.add(id);
      res.writeHead(204).end();
    });
  });

  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ received, duplicates }),
    reset() {
      seen.clear();
      received = 0;
      duplicates = 0;
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
