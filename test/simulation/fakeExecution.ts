/**
 * One n8n execution of the node, as n8n-core's engine runs it, in virtual time: the subset of
 * `IExecuteFunctions` the node uses, and the engine's Retry On Fail and On Error around
 * `routeIn(ctx, process)`. What n8n does (packages/core/src/execution-engine/workflow-execute.ts):
 * with Retry On Fail, a node that throws is run again after `waitBetweenTries` (clamped to
 * 0–5000 ms, default 1000) with the very same input item objects, up to `maxTries` (clamped to 2–5)
 * tries; the last try's error stops the workflow, unless On Error continues. Stop aborts the
 * execution's cancel signal; n8n then ends the execution without the node's output.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INode, INodeExecutionData } from 'n8n-workflow';

import { routeIn } from '../../nodes/OzonSeller/actions/router';
import type { NodeProcess } from '../../nodes/OzonSeller/runtime/nodeProcess';
import { API_KEY, BASE_URL, CLIENT_ID, type OzonModel } from './ozonModel';
import type { VirtualTime } from '../helpers/virtualTime';

export type OnError = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface ExecutionSpec {
	id: number;
	/** Index of the simulated n8n process that runs it. */
	process: number;
	/** Virtual ms after the start of the run. */
	startAt: number;
	/** Virtual ms after the start of the run when Stop is pressed, if it is. */
	stopAt?: number;
	items: Array<{ offerId: string; mode: 'replace' | 'append' | 'prepend'; images: string[] }>;
	/** The node's Options (plain values). */
	options: IDataObject;
	retryOnFail: boolean;
	maxTries: number;
	waitBetweenTries: number;
	onError: OnError;
}

export interface ExecutionResult {
	spec: ExecutionSpec;
	/** The node's output on its main output (on continueErrorOutput: both outputs together, in item order). */
	output?: INodeExecutionData[];
	/** The error the workflow stopped with, if it did. */
	error?: unknown;
	tries: number;
	stopped: boolean;
	/** When the run of the node ended (virtual ms), if it did. */
	endedAt?: number;
	/** When Stop was pressed (virtual epoch ms). */
	stoppedAt?: number;
}

/** Parameters read per item from the item itself, as `={{ $json.field }}` (the node reads them per item). */
const PER_ITEM = { offerId: '={{ $json.offerId }}', images: '={{ $json.images }}', mode: '={{ $json.mode }}' };

const EXPRESSION = /^=\{\{\s*\$json\.([A-Za-z_$][\w$]*)\s*\}\}$/;

function nodeOf(spec: ExecutionSpec): INode {
	return {
		id: `ozon-${spec.id}`,
		name: 'Ozon Seller',
		type: 'n8n-nodes-ozon-seller.ozonSeller',
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'productImage', operation: 'push', identifyBy: 'offerId', ...PER_ITEM, options: spec.options as INode['parameters'] },
		credentials: { ozonSellerApi: { id: '1', name: 'Ozon' } },
		retryOnFail: spec.retryOnFail,
		maxTries: spec.maxTries,
		waitBetweenTries: spec.waitBetweenTries,
		onError: spec.onError,
	};
}

/** The execution context the node sees; requests go to the Ozon model with the credential's headers. */
export function fakeContext(spec: ExecutionSpec, items: INodeExecutionData[], model: OzonModel, signal: AbortSignal, onRequest: (at: number) => void): IExecuteFunctions {
	const node = nodeOf(spec);
	const parameter = (name: string, index: number, fallback?: unknown): unknown => {
		const raw = (node.parameters as Record<string, unknown>)[name];
		if (raw === undefined) return fallback;
		if (typeof raw === 'string' && raw.startsWith('=')) {
			const field = EXPRESSION.exec(raw)?.[1];
			if (!field) throw new Error(`the simulation evaluates only {{ $json.field }}, not ${raw}`);
			const value = items[index]?.json[field];
			return Array.isArray(value) ? [...value] : value;
		}
		return raw && typeof raw === 'object' ? structuredClone(raw) : raw;
	};
	const ctx = {
		getInputData: () => items,
		getNodeParameter: (name: string, index: number, fallback?: unknown) => parameter(name, index, fallback),
		getNode: () => node,
		continueOnFail: () => spec.onError !== 'stopWorkflow',
		getCredentials: async () => ({ clientId: CLIENT_ID, apiKey: API_KEY, baseUrl: BASE_URL }),
		getExecutionCancelSignal: () => signal,
		getMode: () => 'webhook',
		logger: { debug() {}, info() {}, warn() {}, error() {} },
		helpers: {
			// n8n resolves the credential's `authenticate` headers into the request (credentials/OzonSellerApi.credentials.ts).
			async httpRequestWithAuthentication(this: unknown, _credential: string, options: IHttpRequestOptions) {
				onRequest(model.clock.now());
				const headers = { ...(options.headers as Record<string, string>), 'Client-Id': CLIENT_ID, 'Api-Key': API_KEY };
				return await model.exchange({
					process: spec.process,
					execution: spec.id,
					path: String(options.url),
					headers,
					body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body ?? {}),
					timeoutMs: options.timeout ?? 300_000,
					signal,
				});
			},
		},
	};
	return ctx as unknown as IExecuteFunctions;
}

/**
 * Runs the node as n8n's engine would for one execution. Resolves when the node's run ends
 * (output, workflow error, or the Stop).
 */
export async function runExecution(
	spec: ExecutionSpec,
	process: NodeProcess,
	model: OzonModel,
	clock: VirtualTime,
	runStart: number,
	onRequest: (at: number) => void,
): Promise<ExecutionResult> {
	const items: INodeExecutionData[] = spec.items.map((item) => ({ json: { ...item, images: [...item.images] } }));
	const controller = new AbortController();
	const result: ExecutionResult = { spec, tries: 0, stopped: false };
	if (spec.stopAt !== undefined) {
		clock.at(runStart + spec.stopAt, () => {
			if (result.endedAt !== undefined) return;
			result.stopped = true;
			result.stoppedAt = clock.now();
			controller.abort();
		});
	}
	const ctx = fakeContext(spec, items, model, controller.signal, onRequest);
	const maxTries = spec.retryOnFail ? Math.min(5, Math.max(2, spec.maxTries || 3)) : 1;
	const wait = spec.retryOnFail ? Math.min(5000, Math.max(0, spec.waitBetweenTries || 1000)) : 0;
	let error: unknown;
	for (let attempt = 0; attempt < maxTries; attempt++) {
		if (attempt > 0 && wait > 0) await clock.sleep(wait);
		if (controller.signal.aborted) break;
		result.tries++;
		try {
			const output = await routeIn(ctx, process);
			error = undefined;
			result.output = output.flat();
			break;
		} catch (thrown) {
			error = thrown;
		}
	}
	result.endedAt = clock.now();
	// n8n ends a stopped execution with its cancellation, whatever the node returned.
	if (controller.signal.aborted) {
		result.stopped = true;
		result.output = undefined;
		return result;
	}
	if (error !== undefined) {
		result.error = error;
		// On Error → Continue: n8n passes the input items on with the error (paired to them).
		if (spec.onError !== 'stopWorkflow') {
			const message = error instanceof Error ? error.message : String(error);
			result.output = items.map((_, index) => ({ json: { error: message }, pairedItem: { item: index } }));
		}
	}
	return result;
}
