/**
 * Preloaded into the n8n process of an end-to-end test (NODE_OPTIONS=--require): answers the names
 * listed in OZON_E2E_RESOLVE ("name=address,…") with that address, the way a hostile public DNS
 * record would, and leaves every other name to the system resolver. The machine has no DNS of its
 * own for such names, and /etc/hosts only holds names without a dot, which the node refuses anyway.
 */
'use strict';
const dns = require('node:dns');

const records = new Map(
	(process.env.OZON_E2E_RESOLVE || '')
		.split(',')
		.map((entry) => entry.trim().split('='))
		.filter(([name, address]) => name && address)
		.map(([name, address]) => [name.toLowerCase(), address]),
);

function answer(hostname) {
	const address = records.get(String(hostname).toLowerCase().replace(/\.$/, ''));
	return address ? { address, family: address.includes(':') ? 6 : 4 } : undefined;
}

const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
	const found = answer(hostname);
	if (!found) return lookup.apply(this, arguments);
	const done = typeof options === 'function' ? options : callback;
	const all = typeof options === 'object' && options !== null && options.all;
	process.nextTick(() => (all ? done(null, [found]) : done(null, found.address, found.family)));
	return undefined;
};

const lookupAsync = dns.promises.lookup;
dns.promises.lookup = async function (hostname, options) {
	const found = answer(hostname);
	if (!found) return lookupAsync.call(this, hostname, options);
	return typeof options === 'object' && options !== null && options.all ? [found] : found;
};
