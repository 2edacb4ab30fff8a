/**
 * The guard that keeps webhook deliveries away from the server's own network.
 *
 * A subscriber chooses the URL we POST to, so without a check any API key
 * could make this server call its cloud metadata endpoint, a database
 * console on loopback or a router admin page. The URL is checked when the
 * webhook is registered and resolved again before every delivery, because a
 * DNS answer can change between the two.
 */
import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;
type Ranges<T> = Record<string, [T, number][]>;

/** Which destinations a deployment lets webhooks reach. */
export interface NetworkPolicy {
  /**
   * Allow loopback, private, link-local and other non-public addresses.
   * Only for development and tests. Default in the service config: false.
   */
  allowPrivateNetworks: boolean;

  /** Allow plain `http:` URLs. Default in the service config: false. */
  allowHttp: boolean;
}

/**
 * Resolves a host name to every address it has, like
 * `dns.promises.lookup(host, { all: true })`. Tests inject their own.
 */
export type LookupFn = (
  hostname: string,
  options: { all: true },
) => Promise<LookupAddress[]>;

/** An address that passed the guard; connect to exactly this. */
export interface WebhookTarget {
  address: string;
  family: 4 | 6;
}

/** Why a webhook URL was refused; each has one fixed message. */
export type WebhookUrlErrorReason =
  | 'invalid'
  | 'scheme'
  | 'insecure'
  | 'credentials'
  | 'forbiddenHost'
  | 'forbiddenAddress'
  | 'unresolvable';

const MESSAGES: Record<WebhookUrlErrorReason, string> = {
  invalid: 'Webhook URL is not a valid absolute URL.',
  scheme: 'Webhook URL must use http or https.',
  insecure: 'Webhook URL must use https.',
  credentials: 'Webhook URL must not contain credentials.',
  forbiddenHost: 'Webhook URL host is not allowed.',
  forbiddenAddress: 'Webhook URL resolves to a private or reserved address.',
  unresolvable: 'Webhook URL host could not be resolved.',
};

/**
 * A webhook URL the guard refuses. The message is fixed per reason and
 * never repeats the URL, which may carry a token in its path or query.
 *
 * @example
 * ```ts
 * if (error instanceof WebhookUrlError) ctx.throw(422, error.message);
 * ```
 */
export class WebhookUrlError extends Error {
  override name = 'WebhookUrlError';

  /**
   * @param reason - what is wrong with the URL.
   * @param category - for `forbiddenAddress`, the classifyAddress category.
   * @param options - `cause`, such as the resolver's error.
   */
  constructor(
    readonly reason: WebhookUrlErrorReason,
    readonly category: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(MESSAGES[reason], options);
  }
}

// Explicit ranges that ipaddr.js files under a broader name ("reserved",
// "linkLocal") or not at all. Checked first, so their names win.
const V4_EXPLICIT: Ranges<IPv4> = {
  // AWS, GCP, Azure and others serve credentials here; Azure's platform
  // endpoint is a public address that is still only meant for the host.
  metadata: [
    ipaddr.IPv4.parseCIDR('169.254.169.254/32'),
    ipaddr.IPv4.parseCIDR('168.63.129.16/32'),
  ],
  benchmarking: [ipaddr.IPv4.parseCIDR('198.18.0.0/15')],
  documentation: [
    ipaddr.IPv4.parseCIDR('192.0.2.0/24'),
    ipaddr.IPv4.parseCIDR('198.51.100.0/24'),
    ipaddr.IPv4.parseCIDR('203.0.113.0/24'),
  ],
};

const V6_EXPLICIT: Ranges<IPv6> = {
  // The AWS Nitro metadata service over IPv6.
  metadata: [ipaddr.IPv6.parseCIDR('fd00:ec2::254/128')],
  documentation: [
    ipaddr.IPv6.parseCIDR('2001:db8::/32'),
    ipaddr.IPv6.parseCIDR('3fff::/20'),
  ],
};

// Only 2000::/3 is handed out for global unicast; anything else that
// ipaddr.js calls "unicast" is unassigned and refused.
const V6_GLOBAL = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Says whether an IP address is one webhooks may reach.
 *
 * IPv4-mapped addresses are judged by the IPv4 address inside. Tunnel and
 * translation forms (6to4, Teredo, NAT64, IPv4-compatible) are always
 * refused, named after the embedded IPv4 address when that one is not
 * public. Only what ipaddr.js calls `unicast` passes.
 *
 * @param ip - an address in standard notation, as DNS returns it.
 * @returns null for a public address, else a category such as
 *   `loopback`, `private`, `linkLocal`, `metadata`, `uniqueLocal`,
 *   `documentation` or `invalid` for anything that is not an address.
 *
 * @example
 * ```ts
 * classifyAddress('10.0.0.1'); // 'private'
 * classifyAddress('::ffff:7f00:1'); // 'loopback'
 * classifyAddress('93.184.215.14'); // null
 * ```
 */
export function classifyAddress(ip: string): string | null {
  // net.isIP rejects the shorthand, octal and hex forms ipaddr.js would
  // accept, so every address has a single reading.
  if (isIP(ip) === 0) return 'invalid';

  const parsed = ipaddr.parse(ip);

  return parsed instanceof ipaddr.IPv4
    ? classifyV4(parsed)
    : classifyV6(parsed);
}

function classifyV4(addr: IPv4): string | null {
  const explicit = ipaddr.subnetMatch(addr, V4_EXPLICIT, 'none');

  if (explicit !== 'none') return explicit;

  const range = addr.range();

  return range === 'unicast' ? null : range;
}

function classifyV6(addr: IPv6): string | null {
  if (addr.isIPv4MappedAddress()) return classifyV4(addr.toIPv4Address());

  const explicit = ipaddr.subnetMatch(addr, V6_EXPLICIT, 'none');

  if (explicit !== 'none') return explicit;

  const range = addr.range();

  if (range !== 'unicast') return classifyTunnel(addr, range);

  if (isIPv4Compatible(addr)) {
    return classifyEmbedded([v4At(addr, 6)], 'ipv4Compatible');
  }

  return addr.match(V6_GLOBAL) ? null : 'reserved';
}

// ::a.b.c.d, deprecated by RFC 4291; some stacks still route it as IPv4.
// :: and ::1 share the prefix but ipaddr.js names them before this runs.
function isIPv4Compatible(addr: IPv6): boolean {
  return addr.parts.slice(0, 6).every((part) => part === 0);
}

function classifyTunnel(addr: IPv6, range: string): string {
  if (range === '6to4') return classifyEmbedded([v4At(addr, 1)], range);

  if (range === 'rfc6052' || range === 'rfc6145') {
    return classifyEmbedded([v4At(addr, 6)], range);
  }

  if (range === 'teredo') return classifyEmbedded(teredoV4(addr), range);

  return range;
}

// Teredo carries the relay server in plain form and the client obfuscated
// by inverting every bit (RFC 4380, section 4).
function teredoV4(addr: IPv6): IPv4[] {
  const client = new ipaddr.IPv6(
    addr.parts.map((part) => part ^ 0xffff),
  );

  return [v4At(addr, 2), v4At(client, 6)];
}

function classifyEmbedded(embedded: IPv4[], fallback: string): string {
  for (const v4 of embedded) {
    const category = classifyV4(v4);

    if (category !== null) return category;
  }

  return fallback;
}

function v4At(addr: IPv6, index: number): IPv4 {
  const high = addr.parts[index];
  const low = addr.parts[index + 1];

  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * Checks what can be checked without DNS: scheme, credentials, names that
 * always mean this machine, and literal IP addresses. Run at registration
 * and before each delivery.
 *
 * Literal addresses are read after WHATWG URL parsing, which turns
 * `http://2130706433/` and `http://0x7f.1/` into `127.0.0.1`.
 *
 * @param url - the URL as the subscriber sent it.
 * @param policy - which destinations this deployment allows.
 * @returns the parsed URL.
 * @throws WebhookUrlError when the URL is refused.
 *
 * @example
 * ```ts
 * checkWebhookUrlSyntax('https://hooks.example.com/lms', {
 *   allowPrivateNetworks: false,
 *   allowHttp: false,
 * });
 * ```
 */
export function checkWebhookUrlSyntax(
  url: string,
  policy: NetworkPolicy,
): URL {
  const parsed = parseUrl(url);

  checkScheme(parsed, policy);

  if (parsed.username !== '' || parsed.password !== '') {
    throw new WebhookUrlError('credentials');
  }

  if (!policy.allowPrivateNetworks) checkHost(parsed);

  return parsed;
}

function parseUrl(url: string): URL {
  if (!URL.canParse(url)) throw new WebhookUrlError('invalid');

  return new URL(url);
}

function checkScheme(url: URL, policy: NetworkPolicy): void {
  if (url.protocol === 'https:') return;

  if (url.protocol !== 'http:') throw new WebhookUrlError('scheme');

  if (!policy.allowHttp) throw new WebhookUrlError('insecure');
}

function checkHost(url: URL): void {
  const host = hostOf(url);

  if (isIP(host) !== 0) {
    const category = classifyAddress(host);

    if (category !== null) {
      throw new WebhookUrlError('forbiddenAddress', category);
    }

    return;
  }

  // RFC 6761 reserves these for loopback whatever DNS says.
  const name = host.replace(/\.+$/, '');

  if (name === 'localhost' || name.endsWith('.localhost')) {
    throw new WebhookUrlError('forbiddenHost');
  }
}

/** The URL's host without IPv6 brackets, ready for DNS or net.connect. */
export function hostOf(url: URL): string {
  const host = url.hostname;

  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/**
 * Resolves the URL's host and checks every address it returns, so a name
 * with one public and one private answer is refused. Run at registration
 * and again before each delivery; the delivery then connects to the
 * returned address only, leaving no window for DNS rebinding.
 *
 * @param url - a URL that passed checkWebhookUrlSyntax.
 * @param policy - with allowPrivateNetworks, any resolved address passes.
 * @param lookup - resolver; defaults to `dns.promises.lookup`.
 * @returns the first resolved address.
 * @throws WebhookUrlError `unresolvable` or `forbiddenAddress`.
 *
 * @example
 * ```ts
 * const { address, family } = await resolveWebhookTarget(url, policy);
 * ```
 */
export async function resolveWebhookTarget(
  url: URL,
  policy: NetworkPolicy,
  lookup: LookupFn = dns.lookup,
): Promise<WebhookTarget> {
  const targets = await resolveAll(hostOf(url), lookup);

  if (!policy.allowPrivateNetworks) {
    for (const target of targets) assertPublic(target.address);
  }

  return targets[0];
}

async function resolveAll(
  host: string,
  lookup: LookupFn,
): Promise<WebhookTarget[]> {
  // A literal needs no DNS, and the system resolver may not accept every
  // spelling the URL parser produced.
  if (isIP(host) !== 0) return [toTarget(host)];

  let answers: LookupAddress[];

  try {
    answers = await lookup(host, { all: true });
  } catch (error) {
    throw new WebhookUrlError('unresolvable', null, { cause: error });
  }

  if (answers.length === 0) throw new WebhookUrlError('unresolvable');

  return answers.map((answer) => toTarget(answer.address));
}

// The family is read from the address itself rather than trusted from the
// resolver, so an odd answer cannot reach net.connect unchecked.
function toTarget(address: string): WebhookTarget {
  const family = isIP(address);

  if (family === 0) throw new WebhookUrlError('unresolvable');

  return { address, family: family === 4 ? 4 : 6 };
}

function assertPublic(address: string): void {
  const category = classifyAddress(address);

  if (category !== null) {
    throw new WebhookUrlError('forbiddenAddress', category);
  }
}

/**
 * The full check for the registration endpoint: syntax, then DNS.
 *
 * @param url - the URL as the subscriber sent it.
 * @param policy - which destinations this deployment allows.
 * @param lookup - resolver; defaults to `dns.promises.lookup`.
 * @returns the parsed URL.
 * @throws WebhookUrlError when the URL is refused.
 *
 * @example
 * ```ts
 * await assertSafeWebhookUrl(body.url, config.network);
 * ```
 */
export async function assertSafeWebhookUrl(
  url: string,
  policy: NetworkPolicy,
  lookup?: LookupFn,
): Promise<URL> {
  const parsed = checkWebhookUrlSyntax(url, policy);

  await resolveWebhookTarget(parsed, policy, lookup);

  return parsed;
}
