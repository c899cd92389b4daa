import { polling } from '../../nodes/OzonSeller/actions/productImage/push/waitForTasks';
import { backoff } from '../../nodes/OzonSeller/transport';

/** Shortens task polling and retry backoff for unit tests, which answer at once. */
export function useFastTiming(): void {
	beforeAll(() => {
		polling.firstDelayMs = 5;
		polling.stepMs = 20;
		polling.minDelayMs = 5;
		backoff.baseMs = 1;
		backoff.maxMs = 5;
	});
}
