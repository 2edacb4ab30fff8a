/**
 * One delivery attempt from claim to record: sign, send, decide what
 * happens next, write it down, and tell the host.
 */
import { trace, type Logger } from '../../logger.js';
import type {
  AttemptOutcome,
  DeliveryClaim,
  Subscription,
  WebhookStore,
} from '../../storage/index.js';
import {
  disabledInfo,
  type DeliveryConfig,
  type DeliveryInfo,
  type DisabledReason,
} from './config.js';
import { signedMessage } from './events.js';
import { sendWebhook, type SendResult } from './http-sender.js';
import { hasFailedTooLong, nextAttemptAt } from './schedule.js';

/** What an attempt needs from the dispatcher that runs it. */
export interface AttemptContext {
  webhooks: WebhookStore;
  now: () => Date;
  logger: Logger;
  config: DeliveryConfig;
  random: () => number;
}

/** How an attempt ended, as recorded. */
export interface AttemptReport extends DeliveryInfo {
  /** True when the receiver answered 2xx. */
  delivered: boolean;
}

/** Per-attempt switches. */
export interface AttemptMode {
  /** No retry whatever happens; used for test pings. */
  final: boolean;
}

const DISABLED_MESSAGE = 'Webhook is disabled.';
const INTERNAL_MESSAGE = 'Internal error before sending.';

/**
 * Runs one attempt of a claimed delivery. Never throws: failures to send
 * are recorded, and a failure to record is logged and left to the lease,
 * which hands the delivery to the next claim once it ends.
 *
 * @returns the report, or null when the attempt could not be recorded.
 */
export async function runAttempt(
  context: AttemptContext,
  claim: DeliveryClaim,
  mode: AttemptMode = { final: false },
): Promise<AttemptReport | null> {
  const attemptedAt = context.now();
  const skipped = !claim.subscription.isActive && !mode.final;
  const result = skipped
    ? refused(DISABLED_MESSAGE)
    : await send(context, claim, attemptedAt);
  const outcome = decide(context, claim, result, attemptedAt, {
    final: mode.final || skipped,
  });
  const subscription = await record(context, outcome);

  if (subscription === undefined) return null;

  if (!skipped) await disableIfDue(context, result, subscription, attemptedAt);

  const report = reportOf(claim, outcome);

  await callHook(context, 'onDelivery', () =>
    context.config.hooks.onDelivery?.(withoutDelivered(report)));

  return report;
}

async function send(
  context: AttemptContext,
  claim: DeliveryClaim,
  attemptedAt: Date,
): Promise<SendResult> {
  const { config } = context;

  try {
    const message = signedMessage(claim.event, claim.subscription,
      attemptedAt);

    trace.dispatch('attempt %d of %s to %s', claim.delivery.attempts + 1,
      claim.delivery.deliveryId, claim.subscription.webhookId);

    return await sendWebhook({
      url: claim.subscription.url,
      headers: message.headers,
      body: message.body,
      timeoutMs: config.timeoutMs,
      maxResponseBytes: config.maxResponseBytes,
      policy: config.network,
      lookup: config.lookup,
    });
  } catch (error) {
    // Signing and the sender only throw for bugs; record the attempt so
    // the delivery still follows the schedule and ends.
    context.logger.error({ err: error, deliveryId: claim.delivery.deliveryId },
      'certboost-lms-api: webhook attempt failed before sending');

    return refused(INTERNAL_MESSAGE);
  }
}

function refused(error: string): SendResult {
  return {
    statusCode: null,
    responseBody: null,
    error,
    durationMs: 0,
    retryAfterSeconds: null,
    ok: false,
  };
}

/**
 * The attempt's outcome. A 410, or a failure that ends five days without
 * a success, is the last attempt: the subscription is turned off next.
 */
function decide(
  context: AttemptContext,
  claim: DeliveryClaim,
  result: SendResult,
  attemptedAt: Date,
  mode: AttemptMode,
): AttemptOutcome {
  const attempts = claim.delivery.attempts + 1;
  const failingSince = claim.subscription.failingSince ?? attemptedAt;
  const last = mode.final || result.statusCode === 410 ||
    hasFailedTooLong(failingSince, attemptedAt);
  const retryAt = result.ok || last ? null : nextAttemptAt({
    attempts,
    attemptedAt,
    retryAfterSeconds: result.retryAfterSeconds,
    random: context.random,
  });

  return {
    deliveryId: claim.delivery.deliveryId,
    attemptedAt,
    durationMs: result.durationMs,
    statusCode: result.statusCode,
    error: result.error,
    responseBody: result.responseBody,
    succeeded: result.ok,
    nextAttemptAt: retryAt,
  };
}

/** The subscription after the write; undefined when the write failed. */
async function record(
  context: AttemptContext,
  outcome: AttemptOutcome,
): Promise<Subscription | null | undefined> {
  try {
    return await context.webhooks.recordAttempt(outcome);
  } catch (error) {
    context.logger.error({ err: error, deliveryId: outcome.deliveryId },
      'certboost-lms-api: could not record a webhook attempt');

    return undefined;
  }
}

function disableReason(
  result: SendResult,
  subscription: Subscription,
  attemptedAt: Date,
): DisabledReason | null {
  if (result.statusCode === 410) return 'gone';

  if (!result.ok && hasFailedTooLong(subscription.failingSince, attemptedAt)) {
    return 'failing';
  }

  return null;
}

async function disableIfDue(
  context: AttemptContext,
  result: SendResult,
  subscription: Subscription | null,
  attemptedAt: Date,
): Promise<void> {
  if (!subscription?.isActive) return;

  const reason = disableReason(result, subscription, attemptedAt);

  if (reason === null) return;

  const { webhookId } = subscription;

  try {
    await context.webhooks.updateSubscription(webhookId, {
      isActive: false,
      disabledReason: reason,
    });
  } catch (error) {
    context.logger.error({ err: error, webhookId },
      'certboost-lms-api: could not disable a webhook');

    return;
  }

  context.logger.warn({ webhookId, reason },
    'certboost-lms-api: webhook disabled');
  await callHook(context, 'onSubscriptionDisabled', () =>
    context.config.hooks.onSubscriptionDisabled?.(
      disabledInfo(subscription, reason, attemptedAt)));
}

function reportOf(
  claim: DeliveryClaim,
  outcome: AttemptOutcome,
): AttemptReport {
  const { delivery } = claim;

  return {
    webhookId: delivery.webhookId,
    deliveryId: delivery.deliveryId,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    attempt: delivery.attempts + 1,
    status: outcome.succeeded
      ? 'succeeded'
      : outcome.nextAttemptAt ? 'pending' : 'failed',
    statusCode: outcome.statusCode,
    error: outcome.error,
    durationMs: outcome.durationMs,
    attemptedAt: outcome.attemptedAt,
    nextAttemptAt: outcome.nextAttemptAt,
    delivered: outcome.succeeded,
  };
}

function withoutDelivered(report: AttemptReport): DeliveryInfo {
  const { delivered: _delivered, ...info } = report;

  return info;
}

// A host's hook must not stop deliveries: its errors are logged only.
async function callHook(
  context: AttemptContext,
  name: string,
  invoke: () => void | Promise<void>,
): Promise<void> {
  try {
    await invoke();
  } catch (error) {
    context.logger.error({ err: error, hook: name },
      'certboost-lms-api: webhook hook threw');
  }
}
