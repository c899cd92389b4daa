import { hostBlockReason } from '../../../../nodes/OzonSeller/domain/addresses';

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
	])('%s is allowed', (url) => {
		expect(hostBlockReason(hostOf(url))).toBeUndefined();
	});
});
