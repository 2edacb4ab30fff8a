#!/usr/bin/env node
/**
 * certboost-lms-api: the operator's command line for a PostgreSQL
 * installation. Parsing and dispatch live in bin/commands; every change to
 * data goes through the library's public API.
 */
import { main } from './commands/main.js';

function drain(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write('', () => resolve()));
}

const status = await main(process.argv.slice(2));

// Pipes may be written asynchronously; let them drain, then exit even if a
// driver left an idle socket or timer behind.
await Promise.all([drain(process.stdout), drain(process.stderr)]);
process.exit(status);
