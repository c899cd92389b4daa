/**
 * A real, headless n8n for end-to-end runs, the demo and the dev editor: installs n8n (cached),
 * installs this package into ~/.n8n/nodes the way n8n's community-package service does, imports
 * credentials and workflows, and runs `n8n execute`, the editor, or queue mode (main and workers).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { CREDENTIAL_NAME } from '../../credentials/OzonSellerApi.credentials';
import { cleanNpmEnv, ensureN8n as ensureInstalled, runClean, type N8nVersion } from './n8nInstall';

/** The project folder, whether this runs compiled (.build/scripts/lib) or from source (scripts/lib). */
function findRoot(start: string): string {
	for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'n8n-nodes-ozon-seller') return dir;
	}
	throw new Error('project folder not found');
}

export const ROOT = findRoot(__dirname);
export type N8nLine = '2.x' | '1.x';

interface LineSpec {
	/**
	 * Tried in order. Each is installed with the registry as it was a day after that release
	 * (`npm install --before`): n8n's dependencies use version ranges, and newer releases of them
	 * can name packages the registry here lacks.
	 */
	versions: N8nVersion[];
	/** Node.js major the line needs; 20 is this machine's own. */
	nodeMajor: 20 | 24;
	env: Record<string, string>;
}

export const LINES: Record<N8nLine, LineSpec> = {
	'2.x': {
		versions: [
			{ version: '2.41.1', before: '2026-09-24T12:00:00Z' },
			{ version: '2.41.0', before: '2026-09-23T10:00:00Z' },
		],
		nodeMajor: 24,
		env: {},
	},
	// 1.x installed without install scripts needs the legacy expression engine.
	'1.x': {
		versions: [
			{ version: '1.123.81', before: '2026-09-23T16:00:00Z' },
			{ version: '1.123.80', before: '2026-09-17T12:00:00Z' },
		],
		nodeMajor: 20,
		env: { N8N_EXPRESSION_ENGINE: 'legacy' },
	},
};

function run(command: string, args: string[], options: { cwd?: string } = {}): string {
	return runClean(command, args, options.cwd ?? ROOT);
}

/** Installs (once, verified, then cached) an n8n of the line; returns its folder, version and Node. */
export function ensureN8n(line: N8nLine): { dir: string; version: string; node: string } {
	const spec = LINES[line];
	return ensureInstalled(spec.versions, spec.nodeMajor, spec.env);
}

/** Builds and packs this package; returns the tarball path. */
export function packPackage(outDir: string): string {
	fs.mkdirSync(outDir, { recursive: true });
	run('npm', ['run', 'build', '--silent'], { cwd: ROOT });
	const output = run('npm', ['pack', '--json', '--pack-destination', outDir], { cwd: ROOT });
	const [{ filename }] = JSON.parse(output) as Array<{ filename: string }>;
	return path.join(outDir, path.basename(filename));
}

export interface N8nInstance {
	line: N8nLine;
	version: string;
	userFolder: string;
	env: NodeJS.ProcessEnv;
	/** Runs the n8n CLI and returns its stdout (async: a sandbox may share this process). */
	cli(args: string[], options?: { allowFailure?: boolean }): Promise<{ stdout: string; status: number }>;
	/** Runs a saved workflow and returns the JSON n8n printed. */
	execute(workflowId: string): Promise<{ status: number; result: ExecuteResult | undefined; stdout: string }>;
	/** Starts the editor (n8n start) on the given port; `env` adds to the instance's environment. */
	start(port: number, env?: NodeJS.ProcessEnv): ChildProcess;
	/** Starts any long-running n8n command (e.g. `worker`), its output piped. */
	spawn(args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
}

/** One item of a node's output in the run data. */
export interface OutputItem {
	json: Record<string, unknown>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number; input?: number }>;
}

/** The error that stopped a run, as n8n stores it with the execution (and the editor shows it). */
export interface RunError {
	message: string;
	description?: string | null;
	name?: string;
	node?: { name: string };
	context?: { itemIndex?: number };
}

export interface ExecuteResult {
	data: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<OutputItem> | null> }; error?: RunError }>>; error?: RunError } };
}

/**
 * A throwaway n8n user folder with this package installed the way n8n 2.x's community-packages
 * service does it: unpacked tarball, dev/peer dependencies removed, a shallow install of its own
 * dependencies, and the package listed in ~/.n8n/nodes/package.json.
 */
export function createInstance(line: N8nLine, userFolder: string, tarball: string): N8nInstance {
	const { dir, version, node } = ensureN8n(line);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const packageDir = path.join(nodesDir, 'node_modules', 'n8n-nodes-ozon-seller');
	fs.rmSync(packageDir, { recursive: true, force: true });
	fs.mkdirSync(packageDir, { recursive: true });
	run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
	const manifestPath = path.join(packageDir, 'package.json');
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	delete manifest.devDependencies;
	delete manifest.peerDependencies;
	delete manifest.optionalDependencies;
	fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
	run('npm', ['install', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--no-audit', '--no-fund'], { cwd: packageDir });
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-ozon-seller': manifest.version } }, null, 2),
	);

	const env: NodeJS.ProcessEnv = {
		...cleanNpmEnv(),
		...LINES[line].env,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'ozon-e2e-fixed-encryption-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		// 'execute' prints its JSON result at info level.
		N8N_LOG_LEVEL: 'info',
		DB_SQLITE_POOL_SIZE: '2',
		PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}`,
	};
	delete env.N8N_SSRF_PROTECTION_ENABLED;
	// Run as users do: under jest NODE_ENV is "test", which silences n8n's logger (and its results).
	env.NODE_ENV = 'production';
	delete env.JEST_WORKER_ID;
	const bin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');

	const cli: N8nInstance['cli'] = (args, options = {}) =>
		new Promise((resolve, reject) => {
			const child = spawn(node, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			child.on('error', reject);
			child.on('close', (code) => {
				const status = code ?? 1;
				if (status !== 0 && !options.allowFailure) reject(new Error(`n8n ${args[0]} failed (${status}): ${stderr}${stdout}`));
				else resolve({ stdout, status });
			});
		});

	return {
		line,
		version,
		userFolder,
		env,
		cli,
		async execute(workflowId) {
			const { stdout, status } = await cli(['execute', `--id=${workflowId}`, '--rawOutput'], { allowFailure: true });
			// 2.x prints task-runner lines before the JSON. A failed run prints the same JSON (indented,
			// so its last line is the only "}" at the start of a line), followed by the error again.
			const lines = stdout.split('\n');
			const start = lines.findIndex((line) => line.startsWith('{'));
			const end = start >= 0 ? lines.findIndex((line, index) => index > start && line.trimEnd() === '}') : -1;
			let result: ExecuteResult | undefined;
			if (start >= 0) {
				try {
					result = JSON.parse(lines.slice(start, end >= 0 ? end + 1 : undefined).join('\n')) as ExecuteResult;
				} catch {
					result = undefined;
				}
			}
			return { status, result, stdout };
		},
		start(port, extra = {}) {
			return spawn(node, [bin, 'start'], {
				env: { ...env, N8N_PORT: String(port), N8N_HOST: '127.0.0.1', N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_SECURE_COOKIE: 'false', WEBHOOK_URL: `http://127.0.0.1:${port}/`, ...extra },
				stdio: ['ignore', process.env.N8N_HOST_VERBOSE ? 'inherit' : 'ignore', 'inherit'],
			});
		},
		spawn(args, extra = {}) {
			return spawn(node, [bin, ...args], { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
		},
	};
}

/** Imports the sandbox credential (plain data is encrypted on import). */
export async function importCredential(instance: N8nInstance, credential: { id: string; name: string; clientId: string; apiKey: string; baseUrl: string }): Promise<void> {
	const file = path.join(instance.userFolder, `credential-${credential.id}.json`);
	fs.writeFileSync(
		file,
		JSON.stringify([{ id: credential.id, name: credential.name, type: CREDENTIAL_NAME, data: { clientId: credential.clientId, apiKey: credential.apiKey, baseUrl: credential.baseUrl } }]),
	);
	await instance.cli(['import:credentials', `--input=${file}`]);
	fs.rmSync(file);
}

/** Imports a workflow file, giving it a fixed id (and making sure its Ozon nodes use the credential). */
export interface WorkflowFile {
	id?: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown>; credentials?: Record<string, unknown> }>;
}

export async function importWorkflow(
	instance: N8nInstance,
	file: string,
	id: string,
	credential: { id: string; name: string },
	adjust: (workflow: WorkflowFile) => void = () => undefined,
): Promise<void> {
	const workflow = JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowFile;
	workflow.id = id;
	adjust(workflow);
	for (const node of workflow.nodes) {
		if (node.type === 'n8n-nodes-ozon-seller.ozonSeller') node.credentials = { [CREDENTIAL_NAME]: credential };
	}
	const target = path.join(instance.userFolder, `workflow-${id}.json`);
	fs.writeFileSync(target, JSON.stringify(workflow));
	await instance.cli(['import:workflow', `--input=${target}`]);
	fs.rmSync(target);
}

/** Activates a workflow so its triggers (webhooks) run under `n8n start`: 2.x publishes, 1.x sets active. */
export async function activateWorkflow(instance: N8nInstance, id: string): Promise<void> {
	if (instance.line === '2.x') await instance.cli(['publish:workflow', `--id=${id}`]);
	else await instance.cli(['update:workflow', `--id=${id}`, '--active=true']);
}

/** Resolves once `port` answers n8n's readiness check; the child is stopped if it never does. */
async function whenReady(child: ChildProcess, what: string, port: number, timeoutMs: number): Promise<ChildProcess> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
		try {
			// /healthz answers before the webhook routes are mounted (or a worker's queue is joined); readiness comes after.
			const response = await fetch(`http://127.0.0.1:${port}/healthz/readiness`);
			if (response.ok) return child;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	child.kill('SIGTERM');
	throw new Error(`${what} did not answer on port ${port} within ${timeoutMs / 1000} s`);
}

/** Starts the editor/server and resolves once it answers its health check; `env` adds to the instance's. */
export async function startServer(instance: N8nInstance, port: number, timeoutMs = 120_000, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
	return whenReady(instance.start(port, env), 'n8n start', port, timeoutMs);
}

/** What main and every worker of a queue-mode n8n share: Redis for the queue, PostgreSQL for the data. */
export interface QueueBackends {
	redisPort: number;
	postgres: { port: number; user: string; database: string };
}

/**
 * Switches an instance to queue mode (n8n's variables for 2.x and 1.x): every process started from
 * it afterwards, the CLI's imports included, uses the shared Redis and PostgreSQL.
 */
export function useQueueMode(instance: N8nInstance, backends: QueueBackends): void {
	Object.assign(instance.env, {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(backends.redisPort),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(backends.postgres.port),
		DB_POSTGRESDB_USER: backends.postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		DB_POSTGRESDB_DATABASE: backends.postgres.database,
		DB_POSTGRESDB_POOL_SIZE: '4',
	});
}

/** A queue-mode worker and the lines it printed (n8n logs each execution it takes). */
export interface N8nWorker {
	child: ChildProcess;
	output: string[];
}

/**
 * Starts `n8n worker --concurrency=N` and resolves once its health server (`port`) reports it
 * connected to the database and Redis. `env` adds to the instance's (e.g. a task-runner broker port
 * of its own: each n8n process opens one).
 */
export async function startWorker(instance: N8nInstance, concurrency: number, port: number, env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<N8nWorker> {
	const child = instance.spawn(['worker', `--concurrency=${concurrency}`], { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), ...env });
	const output: string[] = [];
	const keep = (chunk: Buffer) => {
		const text = chunk.toString();
		output.push(...text.split('\n').filter(Boolean));
		if (process.env.N8N_HOST_VERBOSE) process.stderr.write(text);
	};
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	await whenReady(child, 'n8n worker', port, timeoutMs);
	return { child, output };
}

export async function stopServer(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', resolve));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
	await exited;
	clearTimeout(timer);
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
	const net = await import('node:net');
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

/** The output items of a node in an execution result (its first output). */
export function nodeOutput(result: ExecuteResult | undefined, nodeName: string): Array<Record<string, unknown>> {
	return (nodeOutputs(result, nodeName)[0] ?? []).map((item) => item.json);
}

/** Every output of a node in an execution result, items with their pairing (the error output is the last). */
export function nodeOutputs(result: ExecuteResult | undefined, nodeName: string): OutputItem[][] {
	const runs = result?.data.resultData.runData[nodeName] ?? [];
	return (runs[runs.length - 1]?.data?.main ?? []).map((items) => items ?? []);
}
