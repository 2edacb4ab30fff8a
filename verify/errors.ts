/**
 * The one error class the verifier rejects with. Messages are short and
 * fixed: they never carry a secret, a signature or any of the body.
 */

/** Which check failed. */
export type WebhookVerificationErrorCode =
  | 'raw_body_required'
  | 'missing_header'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'
  | 'invalid_json';

// Malformed requests are the sender's mistake (400); a wrong signature or a
// stale timestamp means the sender is not who it claims (401). A parsed
// body handed to the verifier is the receiver's own bug (500).
const STATUS: Record<WebhookVerificationErrorCode, 400 | 401 | 500> = {
  raw_body_required: 500,
  missing_header: 400,
  invalid_timestamp: 400,
  timestamp_too_old: 401,
  timestamp_too_new: 401,
  no_matching_signature: 401,
  invalid_json: 400,
};

/**
 * A delivery failed verification. `code` names the failed check and
 * `status` is the HTTP status a receiver should answer with.
 *
 * @example
 * ```ts
 * try {
 *   event = await verifyWebhook(body, req.headers, secret);
 * } catch (error) {
 *   if (!(error instanceof WebhookVerificationError)) throw error;
 *   res.writeHead(error.status).end(JSON.stringify({ error: error.message }));
 * }
 * ```
 */
export class WebhookVerificationError extends Error {
  override name = 'WebhookVerificationError';

  /** 400 for a malformed request, 401 for a failed check, 500 for misuse. */
  readonly status: 400 | 401 | 500;

  constructor(
    readonly code: WebhookVerificationErrorCode,
    message: string,
  ) {
    super(message);

    this.status = STATUS[code];
  }
}

/** Builds each error with its fixed message. */
export const fail = {
  rawBodyRequired: () =>
    new WebhookVerificationError(
      'raw_body_required',
      'The raw request body is required: pass the bytes or string as ' +
        'received, not parsed JSON, or the signature cannot be checked.',
    ),

  missingHeader: (name: string) =>
    new WebhookVerificationError('missing_header', `Missing ${name} header.`),

  invalidTimestamp: () =>
    new WebhookVerificationError(
      'invalid_timestamp',
      'Malformed webhook-timestamp header.',
    ),

  tooOld: () =>
    new WebhookVerificationError(
      'timestamp_too_old',
      'Message timestamp too old.',
    ),

  tooNew: () =>
    new WebhookVerificationError(
      'timestamp_too_new',
      'Message timestamp too new.',
    ),

  noMatch: () =>
    new WebhookVerificationError(
      'no_matching_signature',
      'No matching signature found.',
    ),

  invalidJson: () =>
    new WebhookVerificationError('invalid_json', 'Body is not valid JSON.'),
};
