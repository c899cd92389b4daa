/** Names the fake resolver of test/setup/dns.ts answers differently, for the current test only. */

/** What every other name resolves to in unit tests: a public address. */
export const PUBLIC_TEST_ADDRESS = '93.184.216.34';

export function fakeDnsRecords(): Map<string, string> {
	const store = globalThis as { ozonFakeDns?: Map<string, string> };
	store.ozonFakeDns ??= new Map();
	return store.ozonFakeDns;
}

/** `{ 'images.example.net': '127.0.0.1' }`, or 'ENOTFOUND' for a name that does not exist. */
export function resolveNames(records: Record<string, string>): void {
	for (const [name, address] of Object.entries(records)) fakeDnsRecords().set(name.toLowerCase(), address);
}
