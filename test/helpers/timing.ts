import { useProcessOptions } from './nodeProcess';

/** Shortens task polling and retry backoff for unit tests, which answer at once. */
export function useFastTiming(): void {
	useProcessOptions({ writes: { polling: { firstDelayMs: 5, stepMs: 20, minDelayMs: 5 } }, transport: { backoff: { baseMs: 1, maxMs: 5 } } });
}
