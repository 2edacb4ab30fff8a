/**
 * One webhook delivery attempt over HTTP: a POST to an address the SSRF
 * guard has just approved, with a hard time limit and a capped response.
 *
 * Network trouble of any kind comes back as a result, never as an
 * exception, so the dispatcher can record it and schedule a retry.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import createDebug from 'debug';
import pRetry from 'p-retry';

import { agentFor } from './agents.js';
import {
  WebhookUrlError,
  checkWebhookUrlSyntax,
  hostOf,
  resolveWebhookTarget,
  type LookupFn,
  type NetworkPolicy,
  type WebhookTarget,
} from './ssrf.js';

const debug = createDebug('certboost-lms-api:dispatch');

/** What to send, where, and within which limits. */
export interface SendRequest {
  /** The subscriber's URL; checked again here before connecting. */
  url: string;
  /** Sent as given; Content-Length is always computed from `body`. */
  headers: Record<string, string>;
  body: string;
  /** Bound on the whole attempt: DNS, connect, TLS and response body. */
  timeoutMs: number;
  /** Longest response body kept, in bytes; the rest is never read. */
  maxResponseBytes: number;
  policy: NetworkPolicy;
  /** Resolver for the URL's host; defaults to `dns.promises.lookup`. */
  lookup?: LookupFn;
  /** Abandons the attempt, for instance on shutdown. */
  signal?: AbortSignal;
}

/** How one attempt ended. */
export interface SendResult {
  /** The receiver's status; null when no response arrived. */
  statusCode: number | null;
  /** UTF-8 text, cut at maxResponseBytes; null when no response arrived. */
  responseBody: string | null;
  /** A short reason when no response arrived; null otherwise. */
  error: string | null;
  /** Whole milliseconds from start to result. */
  durationMs: number;
  /** From a Retry-After header on any response, else null. */
  retryAfterSeconds: number | null;
  /** True for a 2xx status; redirects are not followed and count as not ok. */
  ok: boolean;
}

interface Exchange {
  statusCode: number;
  body: string;
  retryAfter: string | undefined;
}

interface Call {
  send: typeof http.request;
  options: http.RequestOptions;
  body: string;
  maxResponseBytes: number;
}

/** Marks an abort caused by the attempt's own deadline. */
class AttemptTimeout {
  constructor(readonly ms: number) {}
}

/**
 * POSTs a webhook payload once.
 *
 * The host is resolved and checked by resolveWebhookTarget, then the
 * socket is opened to that exact address while the Host header and TLS
 * server name keep the host name, so a second DNS answer can never
 * redirect the request. Redirects are not followed.
 *
 * @param request - URL, payload and limits; see SendRequest.
 * @returns the outcome; network failures and refused URLs are results.
 * @throws TypeError when `timeoutMs` or `maxResponseBytes` is invalid, or
 *   when a header cannot be sent: those are bugs, not network trouble.
 *
 * @example
 * ```ts
 * const result = await sendWebhook({
 *   url: subscription.url,
 *   headers: { 'content-type': 'application/json', ...signature },
 *   body: payload,
 *   timeoutMs: 10_000,
 *   maxResponseBytes: 4096,
 *   policy: { allowPrivateNetworks: false, allowHttp: false },
 * });
 * if (!result.ok) scheduleRetry(result.retryAfterSeconds);
 * ```
 */
export async function sendWebhook(request: SendRequest): Promise<SendResult> {
  checkLimits(request);

  const started = performance.now();
  const deadline = startDeadline(request.timeoutMs, request.signal);

  try {
    const exchange = await pRetry(() => attempt(request, deadline.signal), {
      retries: STALE_SOCKET_RETRIES,
      minTimeout: 0,
      signal: deadline.signal,
      shouldRetry: ({ error }) => isStaleSocket(error),
    });

    return answered(exchange, started);
  } catch (error) {
    if (isBug(error, deadline.signal)) throw error;

    return unanswered(describeFailure(error, deadline.signal), started);
  } finally {
    deadline.clear();
  }
}

function checkLimits(request: SendRequest): void {
  const { timeoutMs, maxResponseBytes } = request;

  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError('Expected `timeoutMs` to be a positive number.');
  }

  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 0) {
    throw new TypeError('Expected `maxResponseBytes` to be an integer >= 0.');
  }
}

function startDeadline(
  timeoutMs: number,
  outer: AbortSignal | undefined,
): { signal: AbortSignal; clear: () => void } {
  const controller = new AbortController();
  const abortFromOuter = (): void => controller.abort(outer?.reason);
  const timer = setTimeout(
    () => controller.abort(new AttemptTimeout(timeoutMs)),
    timeoutMs,
  );

  if (outer?.aborted) abortFromOuter();
  else outer?.addEventListener('abort', abortFromOuter, { once: true });

  const clear = (): void => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', abortFromOuter);
  };

  return { signal: controller.signal, clear };
}

async function attempt(
  request: SendRequest,
  signal: AbortSignal,
): Promise<Exchange> {
  const url = checkWebhookUrlSyntax(request.url, request.policy);
  const resolving = resolveWebhookTarget(url, request.policy, request.lookup);
  const target = await untilAborted(resolving, signal);

  debug('POST to %s via %s', url.host, target.address);

  return exchange(buildCall(url, target, request), signal);
}

// The system resolver cannot be cancelled; stop waiting for it instead.
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);

    if (signal.aborted) return onAbort();

    signal.addEventListener('abort', onAbort, { once: true });
    work
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function buildCall(
  url: URL,
  target: WebhookTarget,
  request: SendRequest,
): Call {
  const secure = url.protocol === 'https:';
  const options: http.RequestOptions = {
    method: 'POST',
    protocol: url.protocol,
    hostname: hostOf(url),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers: withContentLength(request.headers, request.body),
    agent: agentFor(secure, target),
    lookup: pinnedLookup(target),
    family: target.family,
  };

  return {
    send: secure ? https.request : http.request,
    options,
    body: request.body,
    maxResponseBytes: request.maxResponseBytes,
  };
}

function withContentLength(
  headers: Record<string, string>,
  body: string,
): Record<string, string> {
  const copy = Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => name.toLowerCase() !== 'content-length',
    ),
  );

  copy['content-length'] = String(Buffer.byteLength(body));

  return copy;
}

// Answers every lookup with the checked address. Node skips lookup for a
// literal IP, which is then the checked address already. The callback is
// deferred because net expects the asynchrony of dns.lookup.
function pinnedLookup(target: WebhookTarget): LookupFunction {
  return function lookupCheckedAddress(_hostname, options, callback) {
    process.nextTick(() => {
      if (options.all) callback(null, [{ ...target }]);
      else callback(null, target.address, target.family);
    });
  };
}

function exchange(call: Call, signal: AbortSignal): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);

    const req = call.send(call.options);
    const onAbort = (): void => {
      reject(signal.reason);
      req.destroy();
    };
    const fail = (error: unknown): void => {
      signal.removeEventListener('abort', onAbort);
      reject(markStaleSocket(error, req.reusedSocket && !answeredYet));
    };
    let answeredYet = false;

    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.on('response', (res) => {
      answeredYet = true;
      readBody(res, call.maxResponseBytes).then((body) => {
        signal.removeEventListener('abort', onAbort);
        resolve(toExchange(res, body));
      }, fail);
    });
    req.end(call.body);
  });
}

/**
 * A pooled keep-alive socket the receiver closed just as we reused it
 * fails before any response: the request never reached the receiver, so
 * sending it again at once on a fresh socket is safe and is not a retry
 * of the delivery schedule.
 */
const STALE_SOCKET_RETRIES = 2;

function markStaleSocket(error: unknown, stale: boolean): unknown {
  if (stale && error instanceof Error) {
    Object.assign(error, { staleSocket: true });
  }

  return error;
}

function isStaleSocket(error: unknown): boolean {
  return (error as { staleSocket?: boolean }).staleSocket === true;
}

function toExchange(res: http.IncomingMessage, body: string): Exchange {
  return {
    statusCode: res.statusCode ?? 0,
    body,
    retryAfter: res.headers['retry-after'],
  };
}

// Stops once the body outgrows maxBytes and destroys the response, so a
// receiver cannot make us download more than we keep. A body that fits
// is read to its end, which leaves the socket reusable.
function readBody(
  res: http.IncomingMessage,
  maxBytes: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;

    res.on('data', (chunk: Buffer) => {
      const room = maxBytes - size;

      chunks.push(chunk.subarray(0, room));
      size += Math.min(chunk.length, room);
      if (chunk.length <= room) return;

      resolve(decode(Buffer.concat(chunks), true));
      res.destroy();
    });
    res.on('end', () => resolve(decode(Buffer.concat(chunks), false)));
    res.on('error', reject);
    // After 'end' or the cut this is a no-op; before, the peer hung up.
    res.on('close', () => reject(endedEarly()));
  });
}

function endedEarly(): Error {
  return Object.assign(new Error('Response ended early.'), {
    code: 'ECONNRESET',
  });
}

// In streaming mode the decoder holds back a character split by the cut
// instead of turning it into U+FFFD.
function decode(bytes: Buffer, truncated: boolean): string {
  return new TextDecoder('utf-8').decode(bytes, { stream: truncated });
}

function answered(exchange: Exchange, started: number): SendResult {
  const { statusCode } = exchange;

  debug('status %d', statusCode);

  return {
    statusCode,
    responseBody: exchange.body,
    error: null,
    durationMs: elapsed(started),
    retryAfterSeconds: parseRetryAfter(exchange.retryAfter),
    ok: statusCode >= 200 && statusCode < 300,
  };
}

function unanswered(error: string, started: number): SendResult {
  debug('no response: %s', error);

  return {
    statusCode: null,
    responseBody: null,
    error,
    durationMs: elapsed(started),
    retryAfterSeconds: null,
    ok: false,
  };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

// Node reports invalid headers and similar misuse as TypeError; retrying
// those would never help, so they escape as exceptions.
function isBug(error: unknown, signal: AbortSignal): boolean {
  return !signal.aborted && error instanceof TypeError;
}

const CODE_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'Connection refused.',
  ECONNRESET: 'Connection reset.',
  EPIPE: 'Connection closed while sending.',
  ETIMEDOUT: 'Connection timed out.',
  EHOSTUNREACH: 'Host unreachable.',
  ENETUNREACH: 'Network unreachable.',
};

function describeFailure(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason: unknown = signal.reason;

    return reason instanceof AttemptTimeout
      ? `Timed out after ${reason.ms} ms.`
      : 'Delivery aborted.';
  }

  if (error instanceof WebhookUrlError) return error.message;

  return describeCode(errorCode(error));
}

function errorCode(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;

  const code: unknown = (error as { code?: unknown }).code;

  // Only well-formed codes are echoed; messages may name addresses.
  return typeof code === 'string' && /^[A-Z0-9_]{1,64}$/.test(code)
    ? code
    : null;
}

function describeCode(code: string | null): string {
  if (code === null) return 'Network error.';

  if (code in CODE_MESSAGES) return CODE_MESSAGES[code];

  if (code.startsWith('HPE_')) return 'Invalid HTTP response.';

  if (/TLS|SSL|CERT|UNABLE_TO_|^EPROTO$/.test(code)) {
    return `TLS error (${code}).`;
  }

  return `Network error (${code}).`;
}

/**
 * Reads a Retry-After header: delta-seconds, or an HTTP-date counted from
 * `now`. A date in the past gives 0.
 *
 * @param value - the header value, if any.
 * @param now - the current time in ms; defaults to `Date.now()`.
 * @returns whole seconds to wait, or null when absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('120'); // 120
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now); // seconds until then
 * ```
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | null {
  const text = value?.trim() ?? '';

  if (/^\d+$/.test(text)) {
    const seconds = Number(text);

    return Number.isSafeInteger(seconds) ? seconds : null;
  }

  // HTTP-dates start with a day name; Date.parse alone would also read
  // things like "1.5" as a date.
  if (!/^[A-Za-z]{3,9},? /.test(text)) return null;

  const date = Date.parse(text);

  if (Number.isNaN(date)) return null;

  return Math.max(0, Math.ceil((date - now) / 1000));
}

export { closeSenderAgents } from './agents.js';
