/**
 * Ozon's API keys expire (since 2026-09, reported as 3 months after creation); `/v1/roles` says when.
 * Read at most once an hour per key for the whole n8n process, so a busy schedule costs one request
 * an hour, and turned into a warning when the key expires within two weeks.
 */
import type { ItemWarning } from '../domain/types';
import type { OzonTransport } from './index';
import { getKeyExpiry } from './ozonApi';

export const KEY_EXPIRY_WARNING_DAYS = 14;
export const KEY_EXPIRY_CHECK_INTERVAL_MS = 3600_000;
const DAY_MS = 86_400_000;

function expiresAt(transport: OzonTransport): Promise<number | undefined> {
	const checks = transport.state.expiryChecks;
	const now = transport.state.clock.now();
	const cached = checks.get(transport.keyId);
	if (cached && now - cached.checkedAt < KEY_EXPIRY_CHECK_INTERVAL_MS) return cached.expiresAt;
	// A failed read is remembered for the hour too: it only feeds a warning and must not add load.
	const expiry = getKeyExpiry(transport).catch(() => undefined);
	checks.set(transport.keyId, { checkedAt: now, expiresAt: expiry });
	return expiry;
}

/** A warning for every item of the run when the key expires within 14 days (or has expired). */
export async function keyExpiryWarning(transport: OzonTransport): Promise<ItemWarning | undefined> {
	const at = await expiresAt(transport);
	if (at === undefined) return undefined;
	const now = transport.state.clock.now();
	if (at - now > KEY_EXPIRY_WARNING_DAYS * DAY_MS) return undefined;
	const when = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
	const days = Math.floor((at - now) / DAY_MS);
	const remaining = at <= now ? `expired on ${when}` : `expires on ${when} (${days === 0 ? 'within a day' : `in ${days} day${days === 1 ? '' : 's'}`})`;
	return {
		field: 'credentials',
		message: `The Ozon API key of this credential ${remaining}. Create a new key in Ozon Seller: Settings → Seller API (Product role, or Admin) and paste it into the Ozon Seller API credential before then; requests with an expired key are refused`,
	};
}
