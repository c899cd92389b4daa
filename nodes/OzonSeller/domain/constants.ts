/**
 * Ozon's limits as named constants. Where Ozon's own documents disagree (see docs/push-images.md,
 * "Ozon's 2026 API changes"), the stricter value is used so a request is never rejected for size.
 */

/** Photos per product. The Sept 2026 schema says 30 (the Oct 2026 one 50); a card holds 30. */
export const MAX_IMAGES = 30;

/** The day Ozon stopped accepting 360° images: `images360` left the v1 request; v2 never had it. */
export const IMAGES_360_REMOVED_ON = '2026-07-10';

/** Products per `/v2/product/pictures/import` request. */
export const MAX_IMPORT_BATCH = 100;

/** Identifiers per `/v3/product/info/list` request. */
export const MAX_INFO_LIST_BATCH = 1000;

/** Products per `/v2/product/pictures/info` request. */
export const MAX_PICTURES_INFO_BATCH = 1000;

/** Longest image URL accepted. Browsers and CDNs commonly cap URLs near 2 KB. */
export const MAX_URL_LENGTH = 2048;

/** Longest host name DNS allows (in its ASCII form): Ozon could never look up a longer one. */
export const MAX_HOST_LENGTH = 253;

/**
 * Longest host text (with a port) read from a URL before it is parsed: encoding an internationalised
 * name is quadratic in its length, so a 2,000-character one would cost milliseconds per URL.
 */
export const MAX_HOST_TEXT_LENGTH = MAX_HOST_LENGTH + ':65535'.length;

/** Longest text accepted for one URL, spaces around it included; checked before it is parsed. */
export const MAX_URL_TEXT_LENGTH = 2 * MAX_URL_LENGTH;

/** Longest text read as an identifier (Product ID, SKU), spaces included; checked before it is parsed. */
export const MAX_ID_TEXT_LENGTH = 100;

/** Ozon documents the seller's article (offer_id) as at most 50 characters. */
export const MAX_OFFER_ID_LENGTH = 50;

/** Ozon's ids are int64; 19 digits covers every positive int64. */
export const MAX_NUMERIC_ID_DIGITS = 19;

/**
 * More entries than this in one field is not a product's photo list but a mistake (a whole column
 * pasted into one cell): the item is refused rather than truncated.
 */
export const MAX_URL_ENTRIES = 1000;

/** Longest text accepted in one URL field, checked before it is split. */
export const MAX_FIELD_LENGTH = MAX_URL_ENTRIES * (MAX_URL_LENGTH + 2);

/** URLs listed by name in one warning; the rest are counted. */
export const MAX_URLS_IN_WARNING = 50;

/** File endings Ozon accepts for photos; other endings only draw a warning (signed URLs have none). */
export const ACCEPTED_IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png'];

/** How often a lost append/prepend is re-applied on the new state before it is reported as a conflict. */
export const MAX_REAPPLY = 2;

/**
 * Domains (each with its subdomains) where Ozon keeps its own copies of product photos. Public
 * product data shows photos on `cdn1.ozone.ru`, `ir.ozone.ru` and `ir-<n>.ozone.ru`
 * (`/s3/multimedia-…`) and other Ozon media on `cdn1.ozonusercontent.com`; `ozon.ru` is Ozon's own
 * domain. Which host the picture read-back answers with is not documented: the family counts, not
 * one guess. Nobody but Ozon can serve a photo from them.
 */
export const OZON_IMAGE_DOMAINS: readonly string[] = ['ozone.ru', 'ozon.ru', 'ozonusercontent.com'];
