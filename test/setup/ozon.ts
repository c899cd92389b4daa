/**
 * Per test: forget the process-wide state the node keeps between executions (Ozon's rate-limit
 * windows, the adaptive rate of each Client-Id, the API key's expiry date, the write coordinators
 * and product lanes: one reset, runtime/nodeProcess.ts), and answer `/v1/roles` on the nock host
 * with a key that is valid for months, so every run's hourly key check has an answer. Tests that
 * care set `keyRoles` (test/helpers/ozonMock.ts).
 */
import { answerRolesByDefault } from '../helpers/ozonMock';
import { startCaseProcess } from '../helpers/nodeProcess';

beforeEach(() => {
	startCaseProcess();
	answerRolesByDefault();
});
