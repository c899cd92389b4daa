/**
 * Which URL hosts are not on the public internet: loopback, private, link-local (cloud metadata
 * lives there), and other non-public addresses. Ozon downloads images over the internet, so it can
 * never fetch from them, and Check URLs First must never contact them. Pure: the node cannot
 * resolve DNS itself (n8n's rules for community nodes allow no `dns` import), so this screens what
 * the URL shows — IP literals in any notation, local names, and names that embed an address
 * (nip.io style). Every check is linear in the length of the host name.
 */

type Range = [base: number, bits: number, label: string];

const ip = (a: number, b: number, c: number, d: number) => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

const BLOCKED_V4: Range[] = [
	[ip(0, 0, 0, 0), 8, 'a "this network" address'],
	[ip(10, 0, 0, 0), 8, 'a private address'],
	[ip(100, 64, 0, 0), 10, 'a carrier-grade NAT address'],
	[ip(127, 0, 0, 0), 8, 'a loopback address'],
	[ip(169, 254, 0, 0), 16, 'a link-local address (cloud metadata lives there)'],
	[ip(172, 16, 0, 0), 12, 'a private address'],
	[ip(192, 0, 0, 0), 24, 'a reserved address'],
	[ip(192, 0, 2, 0), 24, 'a documentation address'],
	[ip(192, 88, 99, 0), 24, 'a reserved address (former 6to4 relay)'],
	[ip(192, 168, 0, 0), 16, 'a private address'],
	[ip(198, 18, 0, 0), 15, 'a benchmarking address'],
	[ip(198, 51, 100, 0), 24, 'a documentation address'],
	[ip(203, 0, 113, 0), 24, 'a documentation address'],
	[ip(224, 0, 0, 0), 4, 'a multicast address'],
	[ip(240, 0, 0, 0), 4, 'a reserved address'],
];

function parseV4(text: string): number | undefined {
	const parts = text.split('.');
	if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
	const [a, b, c, d] = parts.map(Number);
	return ip(a, b, c, d);
}

function v4Reason(address: number): string | undefined {
	for (const [base, bits, label] of BLOCKED_V4) {
		const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
		if (((address & mask) >>> 0) === base) return label;
	}
	return undefined;
}

const dotted = (address: number) => [address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff].join('.');

/** Eight 16-bit groups, or undefined if the text is not an IPv6 address. */
function parseV6(text: string): number[] | undefined {
	let body = text;
	let tail: number[] = [];
	if (text.includes('.')) {
		// A dotted IPv4 tail (::ffff:127.0.0.1) stands for the last two groups.
		const cut = text.lastIndexOf(':');
		const address = parseV4(text.slice(cut + 1));
		if (address === undefined) return undefined;
		tail = [address >>> 16, address & 0xffff];
		body = text.slice(0, cut + 1);
		if (!body.endsWith('::')) body = body.slice(0, -1);
	}
	const halves = body.split('::');
	if (halves.length > 2) return undefined;
	const toGroups = (part: string) => (part === '' ? [] : part.split(':').map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? parseInt(group, 16) : NaN)));
	const head = toGroups(halves[0]);
	const rest = halves.length === 2 ? toGroups(halves[1]) : [];
	const missing = 8 - head.length - rest.length - tail.length;
	if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
	const groups = [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail];
	return groups.every((group) => Number.isInteger(group)) ? groups : undefined;
}

function v6Reason(groups: number[]): string | undefined {
	const v4At = (index: number) => ((groups[index] << 16) | groups[index + 1]) >>> 0;
	const zero = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
	if (zero(0, 8)) return 'the unspecified address';
	if (zero(0, 7) && groups[7] === 1) return 'a loopback address';
	// These carry an IPv4 address in their last 32 bits: IPv4-mapped (::ffff:a.b.c.d), IPv4-translated
	// (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d) and well-known NAT64 (64:ff9b::a.b.c.d).
	const mapped = zero(0, 5) && groups[5] === 0xffff;
	const translated = zero(0, 4) && groups[4] === 0xffff && groups[5] === 0;
	const compatible = zero(0, 6);
	const nat64 = groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6);
	if (mapped || translated || compatible || nat64) return v4Reason(v4At(6));
	if (groups[0] === 0x64 && groups[1] === 0xff9b && groups[2] === 1) return 'a local-use NAT64 address';
	// 6to4 (2002:a.b.c.d::/48) routes to the IPv4 address in groups 1–2.
	if (groups[0] === 0x2002) {
		const reason = v4Reason(v4At(1));
		return reason ? `a 6to4 address of ${dotted(v4At(1))}, ${reason}` : undefined;
	}
	// Teredo (2001:0::/32) carries the client's IPv4 address inverted in its last 32 bits.
	if (groups[0] === 0x2001 && groups[1] === 0) {
		const client = ~v4At(6) >>> 0;
		const reason = v4Reason(client);
		return reason ? `a Teredo address of ${dotted(client)}, ${reason}` : undefined;
	}
	if (groups[0] === 0x100 && zero(1, 4)) return 'a discard-only address';
	if ((groups[0] & 0xfe00) === 0xfc00) return 'a private (unique local) address';
	if ((groups[0] & 0xffc0) === 0xfe80) return 'a link-local address';
	if ((groups[0] & 0xffc0) === 0xfec0) return 'a site-local address';
	if ((groups[0] & 0xff00) === 0xff00) return 'a multicast address';
	if (groups[0] === 0x2001 && groups[1] === 0x0db8) return 'a documentation address';
	if (groups[0] === 0x3fff && (groups[1] & 0xf000) === 0) return 'a documentation address';
	return undefined;
}

const LOCAL_NAMES = ['localhost', 'metadata', 'instance-data'];
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.lan', '.intranet', '.corp', '.localdomain'];

/** Public DNS names known to resolve, with every subdomain, to 127.0.0.1. */
const LOOPBACK_DOMAINS = ['localtest.me', 'lvh.me', 'vcap.me', 'localhost.direct', 'lacolhost.com'];

/**
 * Wildcard DNS services that answer with the address written in the name: dotted or dashed IPv4
 * (any domain is screened for those), and also 8 hex digits (7f000001.nip.io) or IPv6 with dashes
 * for colons (--1.sslip.io). Those two forms are read only under these services, where the name
 * certainly means the address; elsewhere a hex label is as likely a hash.
 */
const WILDCARD_DNS_DOMAINS = ['nip.io', 'sslip.io', 'xip.io', 'traefik.me'];

const isUnder = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** The blocked address a wildcard-DNS name stands for, in hex or dashed-IPv6 form, if any. */
function wildcardNameReason(host: string): string | undefined {
	const domain = WILDCARD_DNS_DOMAINS.find((candidate) => host.endsWith(`.${candidate}`));
	if (!domain) return undefined;
	const labels = host.slice(0, -(domain.length + 1)).split('.');
	for (const label of labels) {
		for (const part of label.split('-')) {
			if (/^[0-9a-f]{8}$/i.test(part)) {
				const address = parseInt(part, 16) >>> 0;
				const reason = v4Reason(address);
				if (reason) return `names ${dotted(address)}, ${reason}`;
			}
		}
		if (label.includes('-')) {
			// sslip.io writes IPv6 with dashes for colons: --1.sslip.io is ::1.
			const groups = parseV6(label.replace(/-/g, ':'));
			const reason = groups ? v6Reason(groups) : undefined;
			if (reason) return `names the IPv6 address ${label.replace(/-/g, ':')}, ${reason}`;
		}
	}
	return undefined;
}

/**
 * Why this host is not on the public internet (so Ozon cannot download from it and the node must
 * not contact it), or undefined if it may be public. `hostname` is a URL's hostname as WHATWG URL
 * parsing gives it (IPv4 in any notation is already dotted-decimal, IPv6 in brackets).
 */
export function hostBlockReason(hostname: string): string | undefined {
	const host = hostname.toLowerCase().replace(/\.$/, '');
	if (host.startsWith('[') && host.endsWith(']')) {
		const groups = parseV6(host.slice(1, -1));
		if (!groups) return `${hostname} is an address that could not be read`;
		const reason = v6Reason(groups);
		return reason ? `${hostname} is ${reason}` : undefined;
	}
	const v4 = parseV4(host);
	if (v4 !== undefined) {
		const reason = v4Reason(v4);
		return reason ? `${hostname} is ${reason}` : undefined;
	}
	if (LOCAL_NAMES.includes(host) || LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) {
		return `${hostname} is a local or internal name`;
	}
	if (!host.includes('.')) return `${hostname} is an intranet name (no domain)`;
	if (LOOPBACK_DOMAINS.some((domain) => isUnder(host, domain))) return `${hostname} is a name that resolves to a loopback address`;
	const embedded = embeddedV4Reason(host) ?? wildcardNameReason(host);
	return embedded ? `${hostname} ${embedded}` : undefined;
}

/**
 * Wildcard DNS services (nip.io, sslip.io, …) resolve names such as 10.0.0.1.nip.io or
 * 10-0-0-1.sslip.io to the address they spell, and nip.io reads the one written last
 * (1.1.1.1.127.0.0.1.nip.io is 127.0.0.1): every run of four numbers is screened, not the first.
 */
function embeddedV4Reason(host: string): string | undefined {
	const labels = host.split(/[.-]/);
	const isOctet = labels.map((label) => /^\d{1,3}$/.test(label));
	for (let at = 0; at + 4 <= labels.length; at++) {
		if (!(isOctet[at] && isOctet[at + 1] && isOctet[at + 2] && isOctet[at + 3])) continue;
		const written = labels.slice(at, at + 4).join('.');
		const address = parseV4(written);
		const reason = address === undefined ? undefined : v4Reason(address);
		if (reason) return `names ${written}, ${reason}`;
	}
	return undefined;
}
