/**
 * The node in the real n8n editor (latest 2.x), driven by Playwright in Debian's Chromium: the panel
 * opens, fields appear and hide with Operation, Identify Product By and API Version, a workflow using
 * the node's error output runs from the canvas, and screenshots are taken. They go to .tmp/screenshots/
 * so that a test run leaves the checkout clean; with UPDATE_SCREENSHOTS=1 they replace the
 * pictures of the README and docs/failure-handling.md in docs/images/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { OzonSandbox } from '../../sandbox/server';
import { ROOT, createInstance, freePort, importCredential, importWorkflow, packPackage, startServer, stopServer } from '../../scripts/lib/n8nHost';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WORKFLOW_ID = 'bulkSync0000001';
const PUSH_NODE_ID = '7d7c1b0e-0001-4c2b-9a01-000000000004';
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'images') : path.join(ROOT, '.tmp', 'screenshots');
const SCREENSHOT = path.join(SCREENSHOTS, 'node-panel.png');
const ERROR_OUTPUT_WORKFLOW_ID = 'errorOutput0001';
const ERROR_OUTPUT_SCREENSHOT = path.join(SCREENSHOTS, 'error-output-workflow.png');
const OWNER = { email: 'browser@example.com', password: 'Ozon-browser-1234', firstName: 'Browser', lastName: 'Test' };

let sandbox: OzonSandbox;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let page: Page;
let base: string;

const field = (name: string) => page.locator(`[data-test-id="parameter-input-${name}"]`);

const startsWith = (text: string) => new RegExp(`^\\s*${text.replace(/[()]/g, '\\$&')}`);

/** Picks an option of a dropdown parameter (items show the option name, then its description). */
async function choose(parameter: string, option: string): Promise<void> {
	await field(parameter).click();
	await page.locator('[data-test-id="parameter-input-item"]:visible').filter({ hasText: startsWith(option) }).first().click();
}

/** The names offered by the Options collection's "Add Option" list. */
async function openAddOption(): Promise<ReturnType<Page['locator']>> {
	await page.locator('[data-test-id="collection-parameter-add"]').click();
	const items = page.locator('[data-test-id="collection-parameter-option"]:visible');
	await items.first().waitFor();
	return items;
}

beforeAll(async () => {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ozon-browser-'));
	const tarball = packPackage(work);
	sandbox = new OzonSandbox();
	const url = await sandbox.start();
	const instance = createInstance('2.x', path.join(work, 'user'), tarball);
	await importCredential(instance, { id: 'ozonSandbox', name: 'Ozon sandbox', clientId: '123456', apiKey: 'sandbox-api-key', baseUrl: url });
	await importWorkflow(instance, path.join(ROOT, 'examples', 'bulk-sync-from-sheet.json'), WORKFLOW_ID, { id: 'ozonSandbox', name: 'Ozon sandbox' });
	await importWorkflow(instance, path.join(ROOT, 'examples', 'push-with-error-output.json'), ERROR_OUTPUT_WORKFLOW_ID, { id: 'ozonSandbox', name: 'Ozon sandbox' });
	const port = await freePort();
	server = await startServer(instance, port);
	base = `http://127.0.0.1:${port}`;
	await fetch(`${base}/rest/owner/setup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(OWNER) });

	browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
	// A context, not browser.newPage(): later tests open more pages with the same login.
	page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
	await page.goto(`${base}/signin`);
	await page.locator('input[type="email"]').first().fill(OWNER.email);
	await page.locator('input[type="password"]').first().fill(OWNER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((target) => !target.pathname.startsWith('/signin'));
	// Opening a workflow with a node id in the path opens that node's panel.
	await page.goto(`${base}/workflow/${WORKFLOW_ID}/${PUSH_NODE_ID}`);
	await field('images').waitFor();
}, 600_000);

afterAll(async () => {
	await browser?.close();
	if (server) await stopServer(server);
	await sandbox?.stop();
});

it('opens the Push Images panel with its fields, and saves the README screenshot', async () => {
	for (const name of ['operation', 'identifyBy', 'offerId', 'images', 'primaryImage', 'colorImage', 'images360', 'mode']) {
		await expect(field(name).isVisible()).resolves.toBe(true);
	}
	expect(await field('productId').count()).toBe(0);
	expect(await field('sku').count()).toBe(0);
	await expect(page.locator('[data-test-id="node-credentials-select"]').isVisible()).resolves.toBe(true);
	fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
	await page.screenshot({ path: SCREENSHOT });
});

it('shows the identifier field that Identify Product By names', async () => {
	await choose('identifyBy', 'Product ID');
	await field('productId').waitFor();
	expect(await field('offerId').count()).toBe(0);
	await choose('identifyBy', 'SKU');
	await field('sku').waitFor();
	expect(await field('productId').count()).toBe(0);
	await choose('identifyBy', 'Offer ID (Article)');
	await field('offerId').waitFor();
});

it('hides the task options (Result Timeout, Batch Size, Wait for Result) for API Version v1', async () => {
	await expect(field('resultTimeout').isVisible()).resolves.toBe(true);
	const before = await openAddOption();
	expect((await before.allTextContents()).map((text) => text.trim())).toEqual(expect.arrayContaining(['Batch Size', 'Wait for Result']));
	await before.filter({ hasText: startsWith('API Version') }).first().click();
	await field('apiVersion').waitFor();
	await choose('apiVersion', 'V1 (Deprecated)');
	await field('resultTimeout').waitFor({ state: 'detached' });
	const offered = await (await openAddOption()).allTextContents();
	expect(offered.map((text) => text.trim())).toEqual(expect.arrayContaining(['Check URLs First', 'Dry Run', 'Max Retries']));
	expect(offered.map((text) => text.trim())).not.toEqual(expect.arrayContaining(['Batch Size']));
	expect(offered.map((text) => text.trim())).not.toEqual(expect.arrayContaining(['Wait for Result']));
	await page.keyboard.press('Escape');
});

it('Get Images shows only the identifier and request options', async () => {
	await choose('operation', 'Get Images');
	await field('images').waitFor({ state: 'detached' });
	for (const name of ['images', 'primaryImage', 'colorImage', 'images360', 'mode']) expect(await field(name).count()).toBe(0);
	await expect(field('offerId').isVisible()).resolves.toBe(true);
});

it('runs the error-output example from the canvas: 1 item on Success, 4 on Error, and saves the screenshot of docs/failure-handling.md', async () => {
	// A page of its own (same login), so the panel edits above leave no unsaved-changes prompt in the way.
	const canvas = await page.context().newPage();
	try {
		await canvas.goto(`${base}/workflow/${ERROR_OUTPUT_WORKFLOW_ID}`);
		await canvas.locator('[data-test-id="execute-workflow-button"]').first().click();
		// After the run, each connection is labelled with the items that went along it.
		await canvas.getByText('4 items', { exact: true }).first().waitFor({ timeout: 60_000 });
		await expect(canvas.getByText('1 item', { exact: true }).count()).resolves.toBeGreaterThan(0);
		// The push node shows both of its outputs, named as n8n names them.
		await expect(canvas.getByText('Success', { exact: true }).count()).resolves.toBeGreaterThan(0);
		await expect(canvas.getByText('Error', { exact: true }).count()).resolves.toBeGreaterThan(0);
		// Let the "executed successfully" notice fade, so it does not cover the canvas.
		await canvas.locator('.el-notification').first().waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
		fs.mkdirSync(path.dirname(ERROR_OUTPUT_SCREENSHOT), { recursive: true });
		await canvas.screenshot({ path: ERROR_OUTPUT_SCREENSHOT });
	} finally {
		await canvas.close();
	}
});
