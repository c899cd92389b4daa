/**
 * Runs workflows through n8n-core's real execution engine, so parameters, expressions,
 * pairing and continue-on-fail are resolved by n8n itself rather than by a mock.
 *
 * n8n-core leaves credential handling to the CLI package; `TestCredentialsHelper` stands in for it
 * and applies a credential's generic `authenticate` block the way n8n does, resolving each header
 * expression against `$credentials`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The engine writes its instance config on first use; keep it out of the user's home folder.
if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-n8n-test-'));
}

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentials,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IConnections,
} from 'n8n-workflow';

import { OzonSellerApi } from '../../credentials/OzonSellerApi.credentials';
import { OzonSeller } from '../../nodes/OzonSeller/OzonSeller.node';

/** Emits the items given in its `items` parameter: the test's stand-in for a trigger plus data. */
class TestInputNode implements INodeType {
	description = {
		displayName: 'Test Input',
		name: 'testInput',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Test Input' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as IDataObject[];
		return [items.map((json) => ({ json }))];
	}
}

const NODE_TYPES: Record<string, INodeType> = {
	'n8n-nodes-ozon-seller.ozonSeller': new OzonSeller(),
	'test.testInput': new TestInputNode(),
};

export const nodeTypes: INodeTypes = {
	getByName: (type: string) => NODE_TYPES[type],
	getByNameAndVersion: (type: string) => NODE_TYPES[type],
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

const CREDENTIAL_TYPES: Record<string, ICredentialType> = { ozonSellerApi: new OzonSellerApi() };

export interface TestCredentials {
	clientId: string;
	apiKey: string;
	baseUrl: string;
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: TestCredentials) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = CREDENTIAL_TYPES[typeName]?.authenticate;
		if (!authenticate || typeof authenticate === 'function' || !workflow || !node) {
			throw new Error(`test helper cannot authenticate ${typeName}`);
		}
		const headers = (authenticate.properties.headers ?? {}) as Record<string, string>;
		const resolved: Record<string, string> = {};
		for (const [name, expression] of Object.entries(headers)) {
			resolved[name] = String(
				workflow.expression.getSimpleParameterValue(node, expression, 'internal', {
					$credentials: credentials,
				}),
			);
		}
		return { ...requestOptions, headers: { ...(requestOptions.headers ?? {}), ...resolved } };
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used in tests');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return { ...this.data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return CREDENTIAL_TYPES[type]?.properties ?? [];
	}
}

/** What n8n-core needs around an execution: the test credential helper, hooks and base URLs. */
export function createAdditionalData(credentials: TestCredentials, workflowData: IWorkflowBase): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper(credentials),
		hooks: new ExecutionLifecycleHooks('manual', 'test-execution', workflowData),
		executeWorkflow: async () => {
			throw new Error('not used');
		},
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface WorkflowJson {
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowBase['settings'];
}

export interface RunResult {
	run: IRun;
	/** The output items of the named node (first output), or undefined if it did not run. */
	output(nodeName: string): INodeExecutionData[] | undefined;
	/** Every main output of the named node (with On Error → Continue (using error output), the last is the error output). */
	outputs(nodeName: string): INodeExecutionData[][] | undefined;
	/** The error that stopped the run, if any. */
	error: Error | undefined;
}

export async function runWorkflow(
	json: WorkflowJson,
	credentials: TestCredentials,
	startNode?: string,
): Promise<RunResult> {
	return await startWorkflow(json, credentials, startNode).result;
}

/**
 * Starts a workflow and hands back the way to cancel it, as the editor's Stop button does: the
 * execution's abort signal fires, the run is reported cancelled and the node is left to notice.
 */
export function startWorkflow(
	json: WorkflowJson,
	credentials: TestCredentials,
	startNode?: string,
): { result: Promise<RunResult>; cancel: () => void } {
	const workflowData: IWorkflowBase = {
		id: 'test-workflow',
		name: 'test',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: json.nodes,
		connections: json.connections,
		settings: json.settings ?? { executionOrder: 'v1' },
	} as IWorkflowBase;
	const workflow = new Workflow({
		id: workflowData.id,
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		nodeTypes,
		settings: workflowData.settings,
	});
	const additionalData = createAdditionalData(credentials, workflowData);

	const start = startNode ?? json.nodes.find((node) => node.type === 'test.testInput')?.name;
	const executor = new WorkflowExecute(additionalData, 'manual');
	const execution = executor.run({ workflow, startNode: start ? workflow.getNode(start) ?? undefined : undefined });
	const result = (async (): Promise<RunResult> => {
		const run = await execution;
		const runData = run.data.resultData.runData;
		return {
			run,
			output: (nodeName) => runData[nodeName]?.[0]?.data?.main?.[0] ?? undefined,
			outputs: (nodeName) => runData[nodeName]?.[0]?.data?.main?.map((items) => items ?? []),
			error: run.data.resultData.error as Error | undefined,
		};
	})();
	return { result, cancel: () => execution.cancel() };
}

export const OZON_NODE_NAME = 'Ozon Seller';

/**
 * On Error → Continue (regular output): every item, failed or not, on the node's one output. For
 * tests that read the result of each item; under n8n's default (Stop Workflow) the node stops with
 * the first failed item's error once every item has had its turn (test/nodes/OzonSeller/actions/router.test.ts).
 */
export const KEEP_FAILED_ITEMS: Partial<INode> = { onError: 'continueRegularOutput' };

/** A two-node workflow: fixed input items → Ozon Seller with the given parameters. */
export function ozonWorkflow(
	items: IDataObject[],
	parameters: INode['parameters'],
	nodeOptions: Partial<INode> = {},
): WorkflowJson {
	return {
		nodes: [
			{
				id: 'input',
				name: 'Input',
				type: 'test.testInput',
				typeVersion: 1,
				position: [0, 0],
				parameters: { items: JSON.stringify(items) },
			},
			{
				id: 'ozon',
				name: OZON_NODE_NAME,
				type: 'n8n-nodes-ozon-seller.ozonSeller',
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials: { ozonSellerApi: { id: 'cred-1', name: 'Ozon test' } },
				...nodeOptions,
			},
		],
		connections: {
			Input: { main: [[{ node: OZON_NODE_NAME, type: 'main', index: 0 }]] },
		},
	};
}
