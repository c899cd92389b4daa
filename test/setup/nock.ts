/**
 * Each test file gets its own copy of nock (jest module registries), but Node's http module is
 * shared by the worker. Activate this file's copy and remove it afterwards, so the next file's
 * copy is the one that intercepts. Unit tests never reach the network.
 */
import nock from 'nock';

beforeAll(() => {
	if (!nock.isActive()) nock.activate();
	nock.disableNetConnect();
});

afterEach(() => nock.cleanAll());

afterAll(() => {
	nock.cleanAll();
	nock.enableNetConnect();
	nock.restore();
});
