/**
 * The write path's tunables, handed to the process's write registry through its constructor (tests
 * and the simulation pass their own; nothing here is mutated at run time).
 */

/**
 * Polling schedule for import tasks. `firstDelayMs`: the first poll while this process has not yet
 * seen how long Ozon takes; `stepMs`: the pace of polls after it; `toleranceMs`: how closely the
 * processing time is learned; `minDelayMs`: the earliest first poll; `forgetMs`: how long a task seen
 * still pending keeps counting as a lower bound.
 */
export interface PollingSettings {
	firstDelayMs: number;
	stepMs: number;
	minDelayMs: number;
	toleranceMs: number;
	forgetMs: number;
}

export interface WriteSettings {
	polling: PollingSettings;
	/**
	 * How long a push whose product is free waits for company while another flight is out. A flight
	 * lasts as long as Ozon takes with its task (up to a Result Timeout): gathering for all of it would
	 * hold an unrelated lone push that long. Ozon's processing is what a burst gathers over.
	 */
	gatheringMaxWaitMs: number;
	/**
	 * How long an execution reads before it hands items in while still reading. Read within it (some
	 * 5,000 items), the items leave together as one flight: a second flight would cost polls of its own.
	 */
	handInAfterMs: number;
	/** How often a task whose answer came after every item's deadline is asked about in the background. */
	backgroundPollMs: number;
	/**
	 * How long such a task is asked about before its product is given up as unknown: the longest
	 * Result Timeout, as no push waits longer for a product.
	 */
	backgroundGiveUpMs: number;
}

/** Result Timeout is capped at this, whatever its source (the field's maximum, or an expression). */
export const MAX_RESULT_TIMEOUT_MS = 3600_000;

export const DEFAULT_WRITE_SETTINGS: Readonly<WriteSettings> = {
	polling: { firstDelayMs: 2000, stepMs: 1000, minDelayMs: 500, toleranceMs: 200, forgetMs: 60_000 },
	gatheringMaxWaitMs: 2000,
	handInAfterMs: 200,
	backgroundPollMs: 2000,
	backgroundGiveUpMs: MAX_RESULT_TIMEOUT_MS,
};

/** The defaults with `overrides` applied (polling field by field). */
export function writeSettings(overrides: Partial<Omit<WriteSettings, 'polling'>> & { polling?: Partial<PollingSettings> } = {}): WriteSettings {
	return { ...DEFAULT_WRITE_SETTINGS, ...overrides, polling: { ...DEFAULT_WRITE_SETTINGS.polling, ...overrides.polling } };
}
