/**
 * Limits on what one item may carry as storage objects. Each is checked before the work it bounds,
 * so a hostile event fails its own item in time linear in its size.
 */

/** S3, R2 and MinIO keys are at most 1,024 bytes; no key is longer in characters once decoded. */
export const MAX_KEY_LENGTH = 1024;

/** A key as an event carries it, percent-encoded: every byte of a 1,024-byte key as `%XX`. */
export const MAX_ENCODED_KEY_LENGTH = 3 * MAX_KEY_LENGTH;

/**
 * Records (upload events, queue messages, listing entries) in one item. An S3 notification carries
 * one record, a queue batch at most 100 messages, a listing one entry per item: a thousand is far
 * beyond any of them, and bounds the work one item can cause.
 */
export const MAX_RECORDS_PER_ITEM = 1000;

/** Longest JSON text read as one storage object (an SNS body, a base64 queue message's text). */
export const MAX_OBJECT_TEXT_LENGTH = 4_000_000;

/** How deep wrappers may nest: a webhook's request → SNS → S3 event → record, or a batch → message → body. */
export const MAX_NESTING = 8;

/** Longest Key Pattern; patterns are a few segments long. */
export const MAX_PATTERN_LENGTH = 200;

/** Keys named in one warning; the rest are counted. */
export const MAX_KEYS_IN_WARNING = 20;
