/**
 * Where the contract checks report. The nock helper and the sandbox observer record here while a
 * test runs; test/setup/contract.ts fails the test afterwards if anything was recorded. A test that
 * sends a bad request on purpose takes its expected violations out with `takeViolations()`.
 */
import { answerViolations, requestViolations } from './ozonContract';

const recorded: string[] = [];

export function takeViolations(): string[] {
	return recorded.splice(0, recorded.length);
}

/** Checks a request to Ozon (from the node, through nock or the sandbox). */
export function checkRequest(method: string, path: string, headers: Record<string, unknown>, rawBody: string): void {
	recorded.push(...requestViolations(method, path.split('?')[0], headers, rawBody));
}

/** Checks an answer the sandbox gave. */
export function checkAnswer(path: string, status: number, headers: Record<string, unknown>, rawBody: string): void {
	recorded.push(...answerViolations(path.split('?')[0], status, headers, rawBody));
}
