/**
 * Keep-alive connection pools for webhook deliveries, one per scheme and
 * checked address.
 */
import http from 'node:http';
import https from 'node:https';

import type { WebhookTarget } from './ssrf.js';

// Sockets are pooled per checked address: every socket in a pool was opened
// to that address, so reuse can never reach another one.
const agents = new Map<string, http.Agent>();

// Pools kept before the least recently used one is retired.
const MAX_AGENTS = 256;

const AGENT_OPTIONS: http.AgentOptions = {
  keepAlive: true,
  maxSockets: 50,
  maxFreeSockets: 10,
  scheduling: 'lifo',
  // Idle pooled sockets close after this; the attempt deadline is separate.
  timeout: 30_000,
};

export function agentFor(secure: boolean, target: WebhookTarget): http.Agent {
  const key = `${secure ? 'https' : 'http'} ${target.address}`;
  const existing = agents.get(key);

  // Re-inserting moves the key to the end, keeping Map order as LRU order.
  if (existing) {
    agents.delete(key);
    agents.set(key, existing);

    return existing;
  }

  const agent = secure
    ? new https.Agent(AGENT_OPTIONS)
    : new http.Agent(AGENT_OPTIONS);

  agents.set(key, agent);
  retireOldestAgent();

  return agent;
}

// Only idle sockets are closed: requests in flight finish, and their
// sockets then expire through the idle timeout.
function retireOldestAgent(): void {
  if (agents.size <= MAX_AGENTS) return;

  const [oldest] = agents.keys();
  const agent = agents.get(oldest);

  agents.delete(oldest);
  for (const sockets of Object.values(agent?.freeSockets ?? {})) {
    for (const socket of sockets ?? []) socket.destroy();
  }
}

/**
 * Closes every pooled connection, idle or busy. Call on shutdown after the
 * dispatcher has stopped; a later sendWebhook opens fresh pools.
 *
 * @example
 * ```ts
 * await dispatcher.stop();
 * closeSenderAgents();
 * ```
 */
export function closeSenderAgents(): void {
  for (const agent of agents.values()) agent.destroy();

  agents.clear();
}
