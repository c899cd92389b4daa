import { hostBlockReason } from '../../../../nodes/OzonSeller/domain/addresses';
import { countStringWork } from '../../../helpers/stringWork';

const hostOf = (url: string) => new URL(url).hostname;

describe('hostBlockReason', () => {
	it.each([
		['http://127.0.0.1/a.jpg', /loopback/],
		['http://2130706433/a.jpg', /loopback/], // decimal
		['http://0x7f.1/a.jpg', /loopback/], // hex, short form
		['http://017700000001/a.jpg', /loopback/], // octal
		['http://10.1.2.3/a.jpg', /private/],
		['http://172.20.0.1/a.jpg', /private/],
		['http://192.168.1.10/a.jpg', /private/],
		['http://169.254.169.254/latest/meta-data', /link-local/],
		['http://100.100.100.200/', /carrier-grade/],
		['http://0.0.0.0/', /this network/],
		['http://224.0.0.1/', /multicast/],
		['http://[::1]/a.jpg', /loopback/],
		['http://[::]/a.jpg', /unspecified/],
		['http://[::ffff:127.0.0.1]/a.jpg', /loopback/],
		['http://[::ffff:a9fe:a9fe]/', /link-local/],
		['http://[64:ff9b::10.0.0.1]/', /private/],
		['http://[fd00:ec2::254]/', /unique local/],
		['http://[fe80::1]/', /link-local/],
		['http://localhost/a.jpg', /local or internal name/],
		['http://LOCALHOST./a.jpg', /local or internal name/],
		['http://app.localhost/a.jpg', /local or internal name/],
		['http://metadata.google.internal/computeMetadata/v1/', /local or internal name/],
		['http://printer.local/a.jpg', /local or internal name/],
		['http://intranet/a.jpg', /intranet name/],
		['http://127.0.0.1.nip.io/a.jpg', /names 127\.0\.0\.1, a loopback/],
		['http://10-0-0-5.sslip.io/a.jpg', /names 10\.0\.0\.5, a private/],
		['http://app.169.254.169.254.nip.io/', /link-local/],
		// nip.io reads the address written last, before its domain: a public one in front hides nothing.
		['http://1.1.1.1.127.0.0.1.nip.io/a.jpg', /names 127\.0\.0\.1, a loopback/],
		['http://8-8-8-8-127-0-0-1.nip.io/a.jpg', /names 127\.0\.0\.1, a loopback/],
		['http://1.1.1.1-127.0.0.1.nip.io/a.jpg', /names 127\.0\.0\.1, a loopback/],
		['http://5.10.0.0.1.nip.io/a.jpg', /names 10\.0\.0\.1, a private/],
		['http://93.184.216.34.169.254.169.254.sslip.io/', /names 169\.254\.169\.254, a link-local/],
		// Hex and IPv6-dash forms of wildcard DNS services.
		['http://7f000001.nip.io/a.jpg', /names 127\.0\.0\.1, a loopback/],
		['http://a9fea9fe.nip.io/a.jpg', /names 169\.254\.169\.254, a link-local/],
		['http://app-c0a80001.nip.io/a.jpg', /names 192\.168\.0\.1, a private/],
		['http://7F000001.SSLIP.IO/a.jpg', /names 127\.0\.0\.1/],
		['http://--1.sslip.io/a.jpg', /names the IPv6 address ::1, a loopback/],
		['http://fd00--1.sslip.io/a.jpg', /names the IPv6 address fd00::1, a private \(unique local\)/],
		['http://www.fe80--1.sslip.io/a.jpg', /link-local/],
		// IPv6 forms that carry or stand for a non-public address.
		['http://[::ffff:0:7f00:1]/a.jpg', /loopback/], // IPv4-translated
		['http://[64:ff9b:1::7f00:1]/a.jpg', /local-use NAT64/],
		['http://[2002:7f00:1::]/a.jpg', /6to4 address of 127\.0\.0\.1, a loopback/],
		['http://[2002:a9fe:a9fe::1]/a.jpg', /6to4 address of 169\.254\.169\.254/],
		['http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/a.jpg', /Teredo address of 127\.0\.0\.1/],
		['http://[fec0::1]/a.jpg', /site-local/],
		['http://[100::1]/a.jpg', /discard-only/],
		['http://[3fff::1]/a.jpg', /documentation/],
		// Public names known to resolve to loopback.
		['http://localtest.me/a.jpg', /resolves to a loopback/],
		['http://img.lvh.me/a.jpg', /resolves to a loopback/],
	])('%s is refused', (url, reason) => {
		expect(hostBlockReason(hostOf(url))).toMatch(reason);
	});

	it.each([
		'https://img.example.com/a.jpg',
		'https://pub-1234.r2.dev/sku/1.jpg',
		'https://my-bucket.s3.eu-central-1.amazonaws.com/1.jpg',
		'http://93.184.216.34/a.jpg',
		'http://[2606:4700::6810:84e5]/a.jpg',
		'https://cdn1.ozone.ru/s3/multimedia-1/6000000000.jpg',
		'https://shop.example.com/v1.2.3.4/a.jpg',
		'http://8.8.8.8.nip.io/a.jpg',
		'http://08080808.nip.io/a.jpg',
		'http://2a01-4f8-c17-b8f--2.sslip.io/a.jpg',
		'http://[2002:808:808::1]/a.jpg', // 6to4 of 8.8.8.8
		'http://[64:ff9b::8.8.8.8]/a.jpg',
		// A hex-looking label means nothing outside wildcard DNS services: CDN hashes stay allowed.
		'https://e3b0c442.cloudfront.net/a.jpg',
		'https://7f000001.example.com/a.jpg',
		'https://fd00--1.example.com/a.jpg',
		'https://xn--e1afmkfd.xn--p1ai/a.jpg',
	])('%s is allowed', (url) => {
		expect(hostBlockReason(hostOf(url))).toBeUndefined();
	});

	it.each([
		['numbers and dashes', (n: number) => `${'1-'.repeat(n)}x.nip.io`],
		['numbers and dots', (n: number) => `${'1.'.repeat(n)}x.example.com`],
		['dashes', (n: number) => `${'--'.repeat(n)}1.sslip.io`],
		['hex addresses', (n: number) => `${'7f000001-'.repeat(n / 5)}x.nip.io`],
	])('takes linear work on long, repetitive host names: %s', async (_name, name) => {
		// Counted, not timed (test/helpers/stringWork.ts): the characters the string and
		// regular-expression built-ins are handed grow with the name, not with its square.
		const small = await countStringWork(() => hostBlockReason(name(1000)));
		const large = await countStringWork(() => hostBlockReason(name(4000)));
		expect(large.steps).toBeLessThanOrEqual(4.2 * small.steps);
	});
});
