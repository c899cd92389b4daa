/**
 * Unit tests never reach the network, DNS included: n8n's egress filter (used by Check URLs First
 * on n8n 2.x) looks host names up with `dns.promises.lookup`. Here every name answers a fixed public
 * address unless a test says otherwise with `resolveNames` (test/helpers/dns.ts).
 */
import dns from 'node:dns';

import { PUBLIC_TEST_ADDRESS, fakeDnsRecords } from '../helpers/dns';

type Lookup = typeof dns.promises.lookup;
let original: Lookup | undefined;

beforeAll(() => {
	original = dns.promises.lookup;
	const fake = async (hostname: string, options?: number | { all?: boolean; family?: number | string }) => {
		const name = hostname.toLowerCase().replace(/\.$/, '');
		const address = fakeDnsRecords().get(name) ?? PUBLIC_TEST_ADDRESS;
		if (address === 'ENOTFOUND') throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
		const record = { address, family: address.includes(':') ? 6 : 4 };
		return typeof options === 'object' && options?.all ? [record] : record;
	};
	dns.promises.lookup = fake as unknown as Lookup;
});

afterEach(() => fakeDnsRecords().clear());

afterAll(() => {
	if (original) dns.promises.lookup = original;
});
