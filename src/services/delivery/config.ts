/**
 * Delivery settings shared by `createLmsApi({ webhooks })` and
 * `createWebhookWorker`: their shapes, defaults and checks.
 */
import type {
  DeliveryStatus,
  EventType,
  Subscription,
} from '../../storage/index.js';
import {
  checkFunction,
  optionalBoolean,
  positiveInteger,
  type OptionFailure,
} from '../../option-checks.js';
import type { LookupFn, NetworkPolicy } from './ssrf.js';

export type { OptionFailure };

/** Passed to `onDelivery` after every attempt has been recorded. */
export interface DeliveryInfo {
  webhookId: string;
  deliveryId: string;
  eventId: string;
  eventType: EventType;
  /** Attempts made so far, this one included. */
  attempt: number;
  /** Where the delivery stands now. */
  status: Exclude<DeliveryStatus, 'delivering'>;
  statusCode: number | null;
  /** Why no response arrived; null when one did. */
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
  /** null unless the delivery is pending another attempt. */
  nextAttemptAt: Date | null;
}

/** Why the dispatcher turned a subscription off. */
export type DisabledReason = 'gone' | 'failing';

/** Passed to `onSubscriptionDisabled`. */
export interface SubscriptionDisabledInfo {
  webhookId: string;
  ownerUserId: string | null;
  url: string;
  /** `gone`: the receiver answered 410. `failing`: 5 days without success. */
  reason: DisabledReason;
  disabledAt: Date;
}

/** Callbacks for alerting and metrics. Errors they throw are logged. */
export interface DeliveryHooks {
  /** After every attempt, once it is recorded. Awaited: keep it quick. */
  onDelivery?: (info: DeliveryInfo) => void | Promise<void>;
  /** When a 410 or 5 days of failures turn a subscription off. */
  onSubscriptionDisabled?: (
    info: SubscriptionDisabledInfo,
  ) => void | Promise<void>;
}

/** Tuning shared by the in-process dispatcher and the standalone worker. */
export interface DeliveryTuning extends DeliveryHooks {
  /** Attempts in flight at once, over all subscriptions. Default 16. */
  concurrency?: number;
  /** Attempts in flight at once to one subscription. Default 4. */
  perSubscriptionConcurrency?: number;
  /** How often to look for due deliveries, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** Limit on one attempt (DNS, connect, response), in ms. Default 15000. */
  timeoutMs?: number;
  /** Resolver for webhook hosts; default `dns.promises.lookup`. */
  lookup?: LookupFn;
}

/** Settings after defaults and checks. */
export interface DeliveryConfig {
  network: NetworkPolicy;
  lookup: LookupFn | undefined;
  concurrency: number;
  perSubscriptionConcurrency: number;
  pollIntervalMs: number;
  timeoutMs: number;
  /** Response body kept per attempt, in bytes. */
  maxResponseBytes: number;
  hooks: DeliveryHooks;
}

/** Throws the caller's TypeError naming the option. */

const DEFAULTS = {
  concurrency: 16,
  perSubscriptionConcurrency: 4,
  pollIntervalMs: 1000,
  timeoutMs: 15_000,
  maxResponseBytes: 4096,
};

/** Input of {@link resolveDeliveryConfig}. */
export interface DeliverySettings {
  tuning: DeliveryTuning;
  network: Partial<NetworkPolicy>;
  /** Goes before each tuning option's name in errors, e.g. `webhooks.`. */
  prefix: string;
  /** Goes before the network options' names in errors. */
  networkPrefix: string;
  fail: OptionFailure;
}

/** Copies, defaults and checks delivery settings. */
export function resolveDeliveryConfig(
  settings: DeliverySettings,
): DeliveryConfig {
  const { tuning, prefix, fail } = settings;
  const integer = (option: keyof typeof DEFAULTS & keyof DeliveryTuning) =>
    positiveInteger(tuning[option], prefix + option, DEFAULTS[option], fail);

  for (const hook of ['onDelivery', 'onSubscriptionDisabled', 'lookup']) {
    checkFunction(tuning[hook as keyof DeliveryTuning], prefix + hook, fail);
  }

  return {
    network: resolveNetwork(settings.network, settings.networkPrefix, fail),
    lookup: tuning.lookup,
    concurrency: integer('concurrency'),
    perSubscriptionConcurrency: integer('perSubscriptionConcurrency'),
    pollIntervalMs: integer('pollIntervalMs'),
    timeoutMs: integer('timeoutMs'),
    maxResponseBytes: DEFAULTS.maxResponseBytes,
    hooks: {
      onDelivery: tuning.onDelivery,
      onSubscriptionDisabled: tuning.onSubscriptionDisabled,
    },
  };
}

/**
 * The SSRF policy; both exceptions default to off, so production refuses
 * plain http and private addresses unless the host says otherwise.
 */
function resolveNetwork(
  network: Partial<NetworkPolicy>,
  prefix: string,
  fail: OptionFailure,
): NetworkPolicy {
  return {
    allowPrivateNetworks: optionalBoolean(network.allowPrivateNetworks,
      `${prefix}allowPrivateNetworks`, fail),
    allowHttp: optionalBoolean(network.allowHttp, `${prefix}allowHttp`, fail),
  };
}

/** A boolean option that defaults to false. */
/** A subscription after the dispatcher has turned it off. */
export function disabledInfo(
  subscription: Subscription,
  reason: DisabledReason,
  disabledAt: Date,
): SubscriptionDisabledInfo {
  return {
    webhookId: subscription.webhookId,
    ownerUserId: subscription.ownerUserId,
    url: subscription.url,
    reason,
    disabledAt,
  };
}

/** The `webhooks` option of createLmsApi. */
export interface WebhookOptions extends DeliveryTuning {
  /**
   * Deliver from this instance in the background. Default true. Set false
   * on API-only instances when createWebhookWorker runs elsewhere;
   * `lms.webhooks.runOnce()` still works.
   */
  dispatch?: boolean;
  /**
   * Let webhooks reach loopback, private and other non-public addresses.
   * Default false. For development and tests only.
   */
  allowPrivateNetworks?: boolean;
  /** Accept plain `http:` webhook URLs. Default false: https only. */
  allowHttp?: boolean;
}

/** createLmsApi's webhook settings after defaults and checks. */
export interface ResolvedWebhookOptions extends DeliveryConfig {
  dispatch: boolean;
}

/** Copies, defaults and checks createLmsApi's `webhooks` option. */
export function resolveWebhookOptions(
  value: WebhookOptions | undefined,
  fail: OptionFailure,
): ResolvedWebhookOptions {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    fail('webhooks', 'an object');
  }

  const options = value ?? {};
  const config = resolveDeliveryConfig({
    tuning: options,
    network: options,
    prefix: 'webhooks.',
    networkPrefix: 'webhooks.',
    fail,
  });
  const dispatch = options.dispatch === undefined ||
    optionalBoolean(options.dispatch, 'webhooks.dispatch', fail);

  return { ...config, dispatch };
}
