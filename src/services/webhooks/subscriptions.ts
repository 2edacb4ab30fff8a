/**
 * Webhook subscriptions behind `/webhooks`: register, list, change,
 * rotate the secret and remove. A user key sees and touches only its own
 * subscriptions; the master key sees them all.
 */
import { badRequest, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import {
  EVENT_TYPES,
  type EventType,
  type Subscription,
  type SubscriptionPatch,
  type WebhookSecret,
  type WebhookStore,
} from '../../storage/index.js';
import type { Caller } from '../auth/authenticator.js';
import { generateWebhookSecret } from '../delivery/signing.js';
import {
  assertSafeWebhookUrl,
  WebhookUrlError,
  type LookupFn,
  type NetworkPolicy,
} from '../delivery/ssrf.js';
import {
  viewWebhook,
  type WebhookView,
  type WebhookWithSecret,
} from './views.js';

/** What the subscription service needs. */
export interface SubscriptionServiceOptions {
  webhooks: WebhookStore;
  now: () => Date;
  /** The SSRF policy URLs are checked against at registration. */
  network: NetworkPolicy;
  lookup?: LookupFn;
}

/** Body of `POST /webhooks`. */
export interface NewWebhookInput {
  url: string;
  events: string[];
  description?: string | null;
}

/** Body of `PATCH /webhooks/{id}`. */
export interface WebhookPatchInput {
  isActive?: boolean;
  events?: string[];
  description?: string | null;
}

/** How long a rotated-out secret keeps signing. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

// Each signing secret adds a signature to every delivery's headers, so
// rapid rotations drop the oldest retired secrets beyond this many.
const MAX_SECRETS = 10;

const UNKNOWN_EVENT = 'Unknown event type. Known types: ' +
  `${EVENT_TYPES.join(', ')}.`;

/** Whether the caller may see and change the subscription. */
export function owns(caller: Caller, subscription: Subscription): boolean {
  return caller.kind === 'master' ||
    subscription.ownerUserId === caller.userId;
}

/**
 * The caller's subscription, or a 404. Someone else's answers exactly like
 * an unknown id, so a user key cannot learn that it exists.
 */
export async function findOwnSubscription(
  webhooks: WebhookStore,
  caller: Caller,
  webhookId: string,
): Promise<Subscription> {
  const subscription = await webhooks.getSubscription(webhookId);

  if (!subscription || !owns(caller, subscription)) {
    throw notFound('No such webhook.');
  }

  return subscription;
}

/** Known, without duplicates and sorted, so equal sets compare equal. */
export function normalizeEvents(events: readonly string[]): EventType[] {
  if (events.length === 0) {
    throw badRequest('List at least one event type in "events".');
  }

  const known = new Set<string>(EVENT_TYPES);

  if (!events.every((e) => known.has(e))) throw badRequest(UNKNOWN_EVENT);

  return [...new Set(events as EventType[])].sort();
}

/**
 * The secrets after a rotation: the new one first, the ones still signing
 * kept until 24 hours from now (or their earlier end), expired ones gone.
 */
export function rotateSecrets(
  secrets: readonly WebhookSecret[],
  fresh: string,
  now: Date,
): WebhookSecret[] {
  const retireAt = new Date(now.getTime() + SECRET_OVERLAP_MS);
  const kept = secrets
    .filter((s) => s.expiresAt === null || s.expiresAt > now)
    .map((s) => ({ secret: s.secret, expiresAt: s.expiresAt ?? retireAt }));

  return [{ secret: fresh, expiresAt: null }, ...kept].slice(0, MAX_SECRETS);
}

/** The change a PATCH of isActive makes, if any. */
function activation(current: Subscription, isActive: boolean) {
  if (isActive === current.isActive) return {};

  // Turned back on: a fresh start, so the five-day rule counts from the
  // next failure instead of disabling it again at once.
  return isActive
    ? { isActive, disabledReason: null, failingSince: null }
    : { isActive, disabledReason: null };
}

/**
 * Creates the service behind the subscription routes.
 *
 * @example
 * ```ts
 * const subscriptions = createSubscriptionService({
 *   webhooks: storage.webhooks, now: () => new Date(),
 *   network: { allowPrivateNetworks: false, allowHttp: false } });
 * const created = await subscriptions.create(caller, {
 *   url: 'https://hooks.example.com/lms', events: ['assignment.created'] });
 * ```
 */
export function createSubscriptionService(
  options: SubscriptionServiceOptions,
) {
  const { webhooks, now } = options;

  async function checkUrl(url: string): Promise<string> {
    try {
      const parsed = await assertSafeWebhookUrl(url, options.network,
        options.lookup);

      return parsed.href;
    } catch (error) {
      if (error instanceof WebhookUrlError) throw badRequest(error.message);

      throw error;
    }
  }

  async function create(
    caller: Caller,
    input: NewWebhookInput,
  ): Promise<WebhookWithSecret> {
    const events = normalizeEvents(input.events);
    const url = await checkUrl(input.url);
    const secret = generateWebhookSecret();
    const subscription: Subscription = {
      webhookId: newId('wh'),
      ownerUserId: caller.kind === 'master' ? null : caller.userId,
      url,
      events,
      description: input.description ?? null,
      isActive: true,
      createdAt: now(),
      secrets: [{ secret, expiresAt: null }],
      failingSince: null,
      disabledReason: null,
    };

    await webhooks.createSubscription(subscription);

    return { ...viewWebhook(subscription), secret };
  }

  async function list(caller: Caller): Promise<WebhookView[]> {
    const owner = caller.kind === 'master' ? undefined : caller.userId;

    return (await webhooks.listSubscriptions(owner)).map(viewWebhook);
  }

  async function remove(caller: Caller, webhookId: string): Promise<void> {
    await findOwnSubscription(webhooks, caller, webhookId);

    if (!(await webhooks.deleteSubscription(webhookId))) {
      throw notFound('No such webhook.');
    }
  }

  async function update(
    caller: Caller,
    webhookId: string,
    patch: WebhookPatchInput,
  ): Promise<WebhookView> {
    const { isActive, events, description } = patch;

    if ([isActive, events, description].every((v) => v === undefined)) {
      throw badRequest('Send at least one of isActive, events, description.');
    }

    const current = await findOwnSubscription(webhooks, caller, webhookId);
    const change: SubscriptionPatch = {
      ...(events && { events: normalizeEvents(events) }),
      ...(description !== undefined && { description }),
      ...(isActive !== undefined && activation(current, isActive)),
    };

    return save(webhookId, change);
  }

  async function rotateSecret(
    caller: Caller,
    webhookId: string,
  ): Promise<WebhookWithSecret> {
    const current = await findOwnSubscription(webhooks, caller, webhookId);
    const secret = generateWebhookSecret();
    const secrets = rotateSecrets(current.secrets, secret, now());

    return { ...(await save(webhookId, { secrets })), secret };
  }

  async function save(webhookId: string, change: SubscriptionPatch) {
    const updated = await webhooks.updateSubscription(webhookId, change);

    // Deleted between the read and the write.
    if (!updated) throw notFound('No such webhook.');

    return viewWebhook(updated);
  }

  return { create, list, remove, update, rotateSecret };
}

export type SubscriptionService = ReturnType<typeof createSubscriptionService>;
