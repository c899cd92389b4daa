/**
 * The sandbox's own routes under /__sandbox/, never Ozon's: local only, for the bench, the demo and
 * anyone running `npm run sandbox`. `POST configure` switches faults and settings for the next
 * requests, `GET stats` counts what reached the sandbox, `POST reset` forgets the traffic.
 */
import type { FaultConfig, SandboxConfig, SandboxStore } from './store';

export const CONTROL_PREFIX = '/__sandbox/';

export interface ControlAnswer {
	status: number;
	body: unknown;
}

export function controlRoute(store: SandboxStore, method: string, path: string, raw: string): ControlAnswer {
	try {
		const body = raw.trim() ? (JSON.parse(raw) as Record<string, unknown>) : {};
		if (path === `${CONTROL_PREFIX}configure` && method === 'POST') {
			const { faults, ...rest } = body as { faults?: Partial<FaultConfig> } & Partial<SandboxConfig>;
			store.configure(faults ?? {}, rest);
			return { status: 200, body: store.config };
		}
		if (path === `${CONTROL_PREFIX}stats` && method === 'GET') return { status: 200, body: stats(store) };
		if (path === `${CONTROL_PREFIX}reset` && method === 'POST') {
			store.reset();
			return { status: 200, body: { ok: true } };
		}
		return { status: 404, body: { message: `unknown control route ${method} ${path}` } };
	} catch (error) {
		return { status: 400, body: { message: (error as Error).message } };
	}
}

/** Requests by status, by path and by injected fault; the peak per second; the import tasks. */
function stats(store: SandboxStore) {
	const byStatus: Record<string, number> = {};
	const faults: Record<string, number> = {};
	for (const entry of store.log) {
		byStatus[entry.status] = (byStatus[entry.status] ?? 0) + 1;
		if (entry.fault) faults[entry.fault] = (faults[entry.fault] ?? 0) + 1;
	}
	const byPath: Record<string, number> = {};
	for (const entry of store.log) byPath[entry.path] = (byPath[entry.path] ?? 0) + 1;
	return { requests: store.log.length, byStatus, byPath, faults, peakRequestsPerSecond: store.peakRequestsPerSecond(), tasks: store.tasks.size };
}
