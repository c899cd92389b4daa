/**
 * A local stand-in for the Ozon Seller API, behaving as Ozon documents its methods (see docs/sandbox.md).
 * This file is the HTTP server: it reads each request, sends control routes to controlRoutes.ts and
 * everything else to the Ozon methods (ozonMethods.ts), injects the switchable faults (latency,
 * 5xx, the per-second 429, resets, truncated bodies), answers in Ozon's error shape and tells
 * observers about every exchange.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { CONTROL_PREFIX, controlRoute } from './controlRoutes';
import { OzonError, OzonMethods } from './ozonMethods';
import { SandboxStore, defaultConfig, seedProducts, type FaultConfig, type SandboxConfig, type SandboxProduct } from './store';

/** One request and the sandbox's answer, for observers (the tests' contract check). */
export interface SandboxExchange {
	method: string;
	path: string;
	headers: Record<string, unknown>;
	body: string;
	/** 0 when the connection was reset instead of answered. */
	status: number;
	responseHeaders: Record<string, unknown>;
	responseBody: string;
	/** A deliberately broken answer (reset, truncated): not Ozon's shape by design. */
	fault?: string;
}

/** Called for every exchange on an Ozon method (not the /__sandbox/ control routes) of every sandbox. */
export const sandboxObservers = new Set<(exchange: SandboxExchange) => void>();

/** What a sandbox is started with: any part of the configuration, faults included, over the defaults. */
export type SandboxOptions = Partial<Omit<SandboxConfig, 'faults'>> & { faults?: Partial<FaultConfig> };

export class OzonSandbox {
	readonly store: SandboxStore;

	private readonly methods: OzonMethods;

	private server?: http.Server;

	constructor(config: SandboxOptions = {}, products: SandboxProduct[] = seedProducts(20)) {
		const base = defaultConfig();
		this.store = new SandboxStore({ ...base, ...config, faults: { ...base.faults, ...(config.faults ?? {}) } });
		this.store.setProducts(products);
		this.methods = new OzonMethods(this.store);
	}

	get url(): string {
		const address = this.server?.address() as AddressInfo | undefined;
		if (!address) throw new Error('sandbox not started');
		return `http://127.0.0.1:${address.port}`;
	}

	async start(port = 0, host = '127.0.0.1'): Promise<string> {
		this.server = http.createServer((req, res) => void this.handle(req, res));
		this.server.keepAliveTimeout = 5000;
		await new Promise<void>((resolve) => this.server?.listen(port, host, resolve));
		return this.url;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
		this.server = undefined;
	}

	/** Completes, in creation order, every import task whose processing time has passed. */
	processDueTasks(now = this.store.now()): void {
		this.methods.processDueTasks(now);
	}

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks).toString('utf8');
		const path = (req.url ?? '/').split('?')[0];

		if (path.startsWith(CONTROL_PREFIX)) {
			const answer = controlRoute(this.store, req.method ?? 'GET', path, raw);
			res.writeHead(answer.status, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify(answer.body));
			return;
		}

		const observe = (status: number, responseHeaders: Record<string, unknown>, responseBody: string, fault?: string) => {
			const exchange: SandboxExchange = { method: req.method ?? 'GET', path, headers: { ...req.headers }, body: raw, status, responseHeaders, responseBody, fault };
			for (const observer of sandboxObservers) observer(exchange);
		};
		const clientId = String(req.headers['client-id'] ?? '');
		const apiKey = String(req.headers['api-key'] ?? '');
		const now = this.store.now();
		const { faults } = this.store.config;
		try {
			this.methods.admit(clientId, apiKey, req.method, now);

			const dice = this.store.faultDice(path, raw);
			let fault: string | undefined;
			if (dice < faults.rateReset) fault = 'reset';
			else if (dice < faults.rateReset + faults.rate5xx) fault = '5xx';
			else if (dice < faults.rateReset + faults.rate5xx + faults.rate429) fault = '429';
			else if (dice < faults.rateReset + faults.rate5xx + faults.rate429 + faults.rateTruncated) fault = 'truncated';

			if (faults.latencyMs > 0) await this.store.sleep(faults.latencyMs);
			if (fault === 'reset') {
				this.store.log.push({ at: now, clientId, path, status: 0, fault });
				observe(0, {}, '', fault);
				req.socket.destroy();
				return;
			}
			if (fault === '5xx') throw Object.assign(new OzonError(503, 14, 'Service temporarily unavailable'), { fault });
			if (fault === '429') {
				// As when another tool uses the same Client-Id: Ozon's per-second limit.
				const seconds = faults.retryAfterSeconds;
				throw Object.assign(new OzonError(429, 8, 'You have reached request rate limit per second', seconds > 0 ? { 'Retry-After': String(seconds) } : {}), { fault });
			}

			const text = JSON.stringify(this.methods.answer(path, raw, clientId));
			this.store.log.push({ at: now, clientId, path, status: 200, fault });
			const headers = { 'Content-Type': 'application/json' };
			// A truncated body: the request took effect, but the answer is cut off.
			const sent = fault === 'truncated' ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text;
			res.writeHead(200, headers);
			res.end(sent);
			observe(200, headers, sent, fault);
		} catch (error) {
			const failure = error instanceof OzonError ? error : new OzonError(500, 13, 'internal error');
			const fault = (error as { fault?: string }).fault;
			if (clientId && failure.status !== 401 && failure.status !== 403) {
				this.store.log.push({ at: now, clientId, path, status: failure.status, fault });
			}
			const headers = { 'Content-Type': 'application/json', ...failure.headers };
			const text = JSON.stringify({ code: failure.code, message: failure.message, details: [] });
			res.writeHead(failure.status, headers);
			res.end(text);
			observe(failure.status, headers, text, fault);
		}
	}
}
