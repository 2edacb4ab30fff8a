/**
 * Help texts. Each command's text is what `--help` prints and what follows
 * a usage error for that command.
 */

export const PROGRAM = 'certboost-lms-api';

const ENVIRONMENT = `Environment:
  DATABASE_URL    PostgreSQL connection string (required), e.g.
                  postgres://user:password@127.0.0.1:5432/lms
  LMS_DB_SCHEMA   Postgres schema holding the tables (default: public);
                  created by \`migrate\` when missing`;

export const PROGRAM_USAGE = `Usage: ${PROGRAM} <command> [options]

Operate a CertBoost LMS API installation on PostgreSQL.

Commands:
  migrate            Create or upgrade the tables
  keys create        Issue an API key for a user (printed once)
  keys list          List a user's API keys
  keys deactivate    Turn an API key off for good
  serve              Run the API alone over HTTP
  worker             Deliver webhooks in this process

Run \`${PROGRAM} <command> --help\` for a command's options.

${ENVIRONMENT}

Exit status: 0 on success, 1 when the command failed (for example the
database is unreachable), 2 on bad arguments or environment.`;

export const MIGRATE_USAGE = `Usage: ${PROGRAM} migrate

Create the schema and tables, or bring them up to date. Safe to run
again and from several processes at once.

${ENVIRONMENT}`;

export const KEYS_USAGE =
`Usage: ${PROGRAM} keys <create|list|deactivate> [options]

Manage user-scoped API keys.

  keys create --user ID --permission ReadOnly|ReadWrite|Admin
              [--name N] [--expires ISO]
  keys list --user ID [--json]
  keys deactivate KEY_ID

Run \`${PROGRAM} keys <subcommand> --help\` for details.

${ENVIRONMENT}`;

export const KEYS_CREATE_USAGE =
`Usage: ${PROGRAM} keys create --user ID --permission LEVEL [options]

Issue an API key for a user. The key is shown this once: only its digest
is stored.

Options:
  --user ID           The user the key acts for (required)
  --permission LEVEL  ReadOnly, ReadWrite or Admin (required)
  --name N            A label to recognise the key by (default: none)
  --expires ISO       When the key stops working, an ISO-8601 date or
                      instant in the future, e.g. 2027-01-31T00:00:00Z
                      (default: never)
  --json              Print one JSON object instead
  -h, --help          Show this help

Output: two lines on stdout, the key and then its keyId; notes go to
stderr, so \`{ read -r KEY; read -r KEY_ID; }\` captures both.

${ENVIRONMENT}`;

export const KEYS_LIST_USAGE = `Usage: ${PROGRAM} keys list --user ID [--json]

List a user's API keys, oldest first. Never shows a key or its digest.

Options:
  --user ID      The user whose keys to list (required)
  --json         Print a JSON array instead of a table
  -h, --help     Show this help

${ENVIRONMENT}`;

export const KEYS_DEACTIVATE_USAGE = `Usage: ${PROGRAM} keys deactivate KEY_ID

Turn an API key off for good; requests with it get 401 from then on.
Exits with 1 when no key has that id.

Options:
  -h, --help     Show this help

${ENVIRONMENT}`;

const WEBHOOK_ENVIRONMENT = `  LMS_WEBHOOKS_ALLOW_HTTP
                  true: deliver to plain http:// URLs too
                  (default: false, https only)
  LMS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS
                  true: deliver to loopback and private addresses
                  (default: false; for development only)`;

export const SERVE_USAGE = `Usage: ${PROGRAM} serve [--no-dispatch]

Serve the API alone over HTTP until SIGTERM or SIGINT, then finish the
requests in flight and exit. Does not migrate: run \`migrate\` first.

Options:
  --no-dispatch  Only record webhook events; leave delivery to
                 \`${PROGRAM} worker\` processes (default: deliver too)
  -h, --help     Show this help

${ENVIRONMENT}
  PORT            Port to listen on (default: 3000; 0 picks a free one)
  HOST            Address to bind (default: every interface)
  PUBLIC_URL      Base URL clients reach the API at, used in links
                  (default: http://localhost:PORT)
  LMS_API_MASTER_KEY
                  Key with Admin rights on every user (optional;
                  without it only user keys work)
  LMS_KEY_CACHE_TTL_MS
                  How long a key lookup is remembered (default: 5000);
                  \`keys deactivate\` takes effect within it, 0 at once
${WEBHOOK_ENVIRONMENT}`;

export const WORKER_USAGE = `Usage: ${PROGRAM} worker [--concurrency N]

Deliver webhooks from the outbox until SIGTERM or SIGINT, then finish
the attempts in flight and exit. Run as many workers as you like: each
delivery goes to one of them.

Options:
  --concurrency N  Attempts in flight at once (default: 16)
  -h, --help       Show this help

${ENVIRONMENT}
${WEBHOOK_ENVIRONMENT}`;
