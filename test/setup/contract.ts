/**
 * Ozon's contract (test/contract/ozonContract.ts) watches every test: each request that reaches a
 * sandbox and every sandbox answer is checked (the nock helper checks the requests it intercepts),
 * and a test fails afterwards if any broke the contract. A test that sends a bad request on purpose
 * takes its expected violations out itself (`takeViolations`).
 */
import { sandboxObservers, type SandboxExchange } from '../../sandbox/server';
import { checkAnswer, checkRequest, takeViolations } from '../contract/violations';

function observe(exchange: SandboxExchange): void {
	checkRequest(exchange.method, exchange.path, exchange.headers, exchange.body);
	// Resets and cut-off bodies are broken on purpose; everything else must be Ozon's shape.
	if (!exchange.fault || exchange.fault === '5xx' || exchange.fault === '429') {
		checkAnswer(exchange.path, exchange.status, exchange.responseHeaders, exchange.responseBody);
	}
}

beforeAll(() => {
	sandboxObservers.add(observe);
});

afterAll(() => {
	sandboxObservers.delete(observe);
});

afterEach(() => {
	const violations = takeViolations();
	if (violations.length > 0) {
		throw new Error(`Requests or sandbox answers that break Ozon's contract (test/contract/ozonContract.ts):\n${violations.join('\n')}`);
	}
});
