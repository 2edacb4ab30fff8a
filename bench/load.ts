/**
 * One load case: autocannon against a URL for a while, with every 2xx
 * response's latency kept so p95 can be read exactly (autocannon's own
 * summary stops at p90 and p97.5).
 */
import autocannon from 'autocannon';

/** What one case measured. Latencies in milliseconds. */
export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Responses that were not 2xx, and connection errors and timeouts. */
  failures: number;
  /** Every 2xx response counted. */
  responses: number;
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

/** The value below which `fraction` of the sorted samples fall. */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;

  const rank = Math.ceil(fraction * sorted.length) - 1;

  return sorted[Math.min(Math.max(rank, 0), sorted.length - 1)]!;
}

/** A growable list of numbers without boxing each one. */
class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);

      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** Drives `options.url` and summarises what came back. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new Samples();
  let failures = 0;
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({
      url: options.url,
      headers: options.headers,
      connections: options.connections,
      duration: options.durationSeconds,
    }, (error, result) => (error ? reject(error) : resolve(result)));
  });

  instance!.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    else failures++;
  });

  const result = await finished;
  const sorted = latencies.sorted();

  return {
    requestsPerSecond: sorted.length / result.duration,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    failures: failures + result.errors + result.timeouts,
    responses: sorted.length,
  };
}
