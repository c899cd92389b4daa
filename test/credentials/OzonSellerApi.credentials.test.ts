/**
 * The credential as n8n uses it: headers from `authenticate`, and the credential test request,
 * both resolved by n8n's own expression engine.
 */
import axios from 'axios';
import nock from 'nock';
import { Workflow, type IHttpRequestOptions, type INode } from 'n8n-workflow';

import { OzonSellerApi } from '../../credentials/OzonSellerApi.credentials';
import { checkRequest } from '../contract/violations';
import { nodeTypes } from '../helpers/n8nEngine';

const credential = new OzonSellerApi();
const node: INode = { id: 'n', name: 'n', type: 'n8n-nodes-ozon-seller.ozonSeller', typeVersion: 1, position: [0, 0], parameters: {} };
const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
const resolve = (value: string, data: object) => workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: data });

/** Sends the credential test the way n8n does: resolved request, authenticate headers, status < 400 passes. */
async function credentialTest(data: { clientId: string; apiKey: string; baseUrl: string }): Promise<boolean> {
	const request = credential.test.request as IHttpRequestOptions;
	const headers: Record<string, string> = {};
	for (const [name, expression] of Object.entries(credential.authenticate.properties.headers ?? {})) {
		headers[name] = String(resolve(expression as string, data));
	}
	const response = await axios.request({
		method: request.method,
		baseURL: String(resolve(request.baseURL as string, data)),
		url: request.url,
		data: request.body,
		headers,
		validateStatus: () => true,
	});
	return response.status < 400;
}

describe('OzonSellerApi credential', () => {

	it('keeps the contract names and hides the key', () => {
		expect(credential.name).toBe('ozonSellerApi');
		expect(credential.properties.map((p) => p.name)).toEqual(['clientId', 'apiKey', 'baseUrl']);
		expect(credential.properties[1].typeOptions).toEqual({ password: true });
		expect(credential.properties[2].default).toBe('https://api-seller.ozon.ru');
	});

	it('sends Client-Id and Api-Key headers, trimmed of pasted spaces', () => {
		const data = { clientId: ' 123456 ', apiKey: ' key-1 \n', baseUrl: '' };
		const headers = credential.authenticate.properties.headers as Record<string, string>;
		expect(resolve(headers['Client-Id'], data)).toBe('123456');
		expect(resolve(headers['Api-Key'], data)).toBe('key-1');
	});

	it('the test tells a good key from a wrong one', async () => {
		const scope = nock('https://api-seller.ozon.ru')
			.post('/v1/roles')
			.times(2)
			.reply(function (_uri, body) {
				// The test request must fit Ozon's contract of /v1/roles too (test/setup/contract.ts fails otherwise).
				checkRequest('POST', '/v1/roles', this.req.headers, typeof body === 'string' ? body : JSON.stringify(body));
				const good = this.req.headers['client-id'] === '123456' && this.req.headers['api-key'] === 'good-key';
				return good
					? [200, { expires_at: '2027-02-27T00:00:00Z', roles: [{ name: 'Product', methods: ['/v2/product/pictures/import'] }] }]
					: [403, { code: 7, message: 'Invalid Api-Key, please contact support' }];
			});
		await expect(credentialTest({ clientId: '123456', apiKey: 'good-key', baseUrl: 'https://api-seller.ozon.ru' })).resolves.toBe(true);
		await expect(credentialTest({ clientId: '123456', apiKey: 'wrong-key', baseUrl: 'https://api-seller.ozon.ru/' })).resolves.toBe(false);
		expect(scope.isDone()).toBe(true);
	});

	it('names every reason Ozon gives a 403 for, not only a bad key', () => {
		const forbidden = credential.test.rules?.find((rule) => rule.type === 'responseCode' && rule.properties.value === 403);
		expect(forbidden?.properties.message).toMatch(/wrong, deactivated or expired.*Product \(or Admin\) role.*offer agreement/);
	});

	it('uses the base URL for a proxy or the sandbox, and Ozon when it is empty', () => {
		const baseURL = credential.test.request.baseURL as string;
		expect(resolve(baseURL, { baseUrl: 'http://127.0.0.1:8787/' })).toBe('http://127.0.0.1:8787');
		expect(resolve(baseURL, { baseUrl: '' })).toBe('https://api-seller.ozon.ru');
	});
});
