import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** The credential type's name: workflows reference it, so it never changes. */
export const CREDENTIAL_NAME = 'ozonSellerApi';

/** Ozon's Seller API; the Base URL differs only for a proxy or a sandbox. */
export const DEFAULT_BASE_URL = 'https://api-seller.ozon.ru';

export class OzonSellerApi implements ICredentialType {
	name = CREDENTIAL_NAME;

	displayName = 'Ozon Seller API';

	icon: Icon = { light: 'file:../icons/ozon.svg', dark: 'file:../icons/ozon.dark.svg' };

	// The README's section on this credential; its URL follows package.json's repository (test/package/metadata.test.ts).
	documentationUrl = 'https://github.com/n8n-nodes-ozon-seller/n8n-nodes-ozon-seller#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '123456',
			description:
				'Your seller Client-Id, a number shown next to the key in Ozon Seller: Settings → Seller API',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Seller API key with the Product role (or Admin), created in Ozon Seller: Settings → Seller API',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Leave as is for Ozon. Change it only to go through a proxy or to use a local Ozon sandbox.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'Client-Id': '={{String($credentials.clientId).trim()}}',
				'Api-Key': '={{String($credentials.apiKey).trim()}}',
			},
		},
	};

	// /v1/roles is read-only and cheap; Ozon answers 401 without keys and 403 for a key it refuses.
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{String($credentials.baseUrl || "${DEFAULT_BASE_URL}").replace(/\\/+$/, "")}}`,
			url: '/v1/roles',
			method: 'POST',
			body: {},
			json: true,
			// n8n forwards the Api-Key header on redirects: a 3xx fails the test instead of being followed.
			disableFollowRedirect: true,
		},
		rules: [
			...[301, 302, 303, 307, 308].map((status) => ({
				type: 'responseCode' as const,
				properties: {
					value: status,
					message: `The Base URL answered with a redirect (HTTP ${status}), which is never followed so the key is not sent to another host: enter the address that answers directly (Ozon: ${DEFAULT_BASE_URL})`,
				},
			})),
			{
				type: 'responseCode',
				properties: { value: 401, message: 'Ozon did not receive a Client ID and API Key: fill in both fields' },
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Ozon refused this Client ID / API Key (HTTP 403): the key may be wrong, deactivated or expired, may lack the Product (or Admin) role, or the seller may not have accepted Ozon\'s offer agreement',
				},
			},
		],
	};
}
