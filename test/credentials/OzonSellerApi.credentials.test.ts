/**
 * The credential as n8n uses it: headers from `authenticate`, and the credential test request,
 * both resolved by n8n's own expression engine. The test request runs the way n8n's CLI runs it
 * (CredentialsTester): the request as a declarative node's routing, through n8n-core's RoutingNode.
 */
import nock from 'nock';
import { ExecuteContext, RoutingNode } from 'n8n-core';
import { Workflow, type INode, type INodeType, type INodeTypes, type IWorkflowBase } from 'n8n-workflow';

import { OzonSellerApi } from '../../credentials/OzonSellerApi.credentials';
import { checkRequest } from '../contract/violations';
import { createAdditionalData, nodeTypes, type TestCredentials } from '../helpers/n8nEngine';

const credential = new OzonSellerApi();
const node: INode = { id: 'n', name: 'n', type: 'n8n-nodes-ozon-seller.ozonSeller', typeVersion: 1, position: [0, 0], parameters: {} };
const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
const resolve = (value: string, data: object) => workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: data });

/**
 * The editor's "Test" button, as n8n's CredentialsTester does it: the test request becomes the routing
 * of a temporary declarative node run by RoutingNode with the credential; an answer with a status
 * matched by a rule gives that rule's message, any other non-2xx a generic one.
 */
async function credentialTest(data: TestCredentials): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const testNodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'credentialTestNode',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: 'ozonSellerApi', required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: credential.test.request } }],
		},
	} as unknown as INodeType;
	const tempNode: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'credentialTestNode',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { ozonSellerApi: { id: 'cred-1', name: 'Ozon test' } },
	};
	const types = { getByName: () => testNodeType, getByNameAndVersion: () => testNodeType, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const tempWorkflow = new Workflow({ nodes: [tempNode], connections: {}, active: false, nodeTypes: types });
	const additionalData = createAdditionalData(data, { id: 'credential-test', nodes: [tempNode], connections: {} } as unknown as IWorkflowBase);
	const context = new ExecuteContext(tempWorkflow, tempNode, additionalData, 'internal', { resultData: { runData: {} } } as never, 0, [], { main: [[{ json: {} }]] }, { node: tempNode, data: {}, source: null }, []);
	const routingNode = new RoutingNode(context, testNodeType, { id: 'cred-1', name: 'Ozon test', type: 'ozonSellerApi', data: { ...data } });
	try {
		await routingNode.runNode();
	} catch (error) {
		const response = (error as { cause?: { response?: { status: number; statusText?: string } } }).cause?.response;
		if (!response) return { status: 'Error', message: (error as Error).message };
		const rule = (credential.test.rules ?? []).find((candidate) => candidate.type === 'responseCode' && candidate.properties.value === response.status);
		if (rule) return { status: 'Error', message: rule.properties.message };
		if (response.status < 200 || response.status > 299) return { status: 'Error', message: response.statusText || `Received HTTP status code: ${response.status}` };
	}
	return { status: 'OK', message: 'Connection successful!' };
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
		await expect(credentialTest({ clientId: '123456', apiKey: 'good-key', baseUrl: 'https://api-seller.ozon.ru' })).resolves.toEqual({ status: 'OK', message: 'Connection successful!' });
		await expect(credentialTest({ clientId: '123456', apiKey: 'wrong-key', baseUrl: 'https://api-seller.ozon.ru/' })).resolves.toEqual({
			status: 'Error',
			message: "Ozon refused this Client ID / API Key (HTTP 403): the key may be wrong, deactivated or expired, may lack the Product (or Admin) role, or the seller may not have accepted Ozon's offer agreement",
		});
		expect(scope.isDone()).toBe(true);
	});

	it.each([301, 302, 307, 308])('a Base URL answering %s never forwards the key: the test fails naming the redirect', async (status) => {
		const elsewhere: Array<{ method: string; headers: Record<string, unknown> }> = [];
		const record = function (this: nock.ReplyFnContext): [number, object] {
			elsewhere.push({ method: this.req.method, headers: { ...this.req.headers } });
			return [200, { roles: [] }];
		};
		nock('https://attacker.example').post(/.*/).times(5).reply(record).get(/.*/).times(5).reply(record);
		nock('https://proxy.example').post('/v1/roles').reply(status, '', { Location: 'https://attacker.example/v1/roles' });
		const result = await credentialTest({ clientId: '123456', apiKey: 'good-key', baseUrl: 'https://proxy.example' });
		expect(elsewhere).toEqual([]);
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(new RegExp(`^The Base URL answered with a redirect \\(HTTP ${status}\\)`)) });
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
