/**
 * Redis and PostgreSQL for n8n's queue mode, from Debian's packages: installed with apt-get when
 * missing (no prompts, as CI installs Chromium), started on free loopback ports inside a folder of
 * the caller's, as throwaway instances (no persistence), and stopped afterwards. Nothing of the
 * machine's own services is touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

function log(message: string): void {
	process.stderr.write(`[queue-services] ${message}\n`);
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
	const result = spawnSync(command, args, { encoding: 'utf8', env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60 * 1000 });
	if (result.status === 0) return result.stdout;
	const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
	throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit code ${result.status ?? result.signal}`})${output ? `:\n${output}` : ''}`);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function which(command: string): string | undefined {
	const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
	return result.status === 0 ? result.stdout.trim() || undefined : undefined;
}

/** PostgreSQL's server programs (initdb, pg_ctl, postgres): Debian keeps them out of PATH, per major version. */
function postgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
	for (const version of versions) {
		const bin = path.join(root, version, 'bin');
		if (fs.existsSync(path.join(bin, 'initdb')) && fs.existsSync(path.join(bin, 'pg_ctl'))) return bin;
	}
	const initdb = which('initdb');
	return initdb ? path.dirname(fs.realpathSync(initdb)) : undefined;
}

/** Installs Debian's redis-server and postgresql when either is missing (root, or sudo without a password). */
export function ensureQueueServices(): { redisServer: string; postgresBin: string } {
	let redisServer = which('redis-server');
	let bin = postgresBin();
	if (!redisServer || !bin) {
		const missing = [!redisServer && 'redis-server', !bin && 'postgresql'].filter(Boolean) as string[];
		log(`installing Debian's ${missing.join(' and ')} with apt-get`);
		const sudo = isRoot ? [] : ['sudo', '-n'];
		const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
		const apt = (args: string[]) => (sudo.length ? run(sudo[0], [...sudo.slice(1), 'apt-get', ...args], { env }) : run('apt-get', args, { env }));
		try {
			apt(['update', '-qq']);
			apt(['install', '-y', '-qq', '--no-install-recommends', ...missing]);
		} catch (error) {
			throw new Error(`Could not install ${missing.join(' and ')} for the queue-mode test (needs root or password-less sudo, and Debian's package mirrors): ${(error as Error).message}`);
		}
		redisServer = which('redis-server') ?? (fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
		bin = postgresBin();
		if (!redisServer || !bin) throw new Error(`apt-get reported success, but ${!redisServer ? 'redis-server' : 'PostgreSQL (initdb, pg_ctl)'} is still not found`);
	}
	return { redisServer, postgresBin: bin };
}

/** A free TCP port on loopback. */
export async function freeLoopbackPort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await check().catch(() => false)) return;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	throw new Error(`${what} did not come up within ${timeoutMs / 1000} s`);
}

/** Sends one line to a TCP port and resolves with the first answer (Redis' PING). */
function ask(port: number, line: string): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect(port, '127.0.0.1');
		socket.setTimeout(2000, () => socket.destroy(new Error('timeout')));
		socket.once('error', reject);
		socket.once('connect', () => socket.write(`${line}\r\n`));
		socket.once('data', (data) => {
			resolve(data.toString());
			socket.end();
		});
	});
}

export interface RedisService {
	port: number;
	stop(): Promise<void>;
}

/** A Redis on a free loopback port, in the foreground as a child of this process, keeping nothing on disk. */
export async function startRedis(redisServer: string, dir: string): Promise<RedisService> {
	fs.mkdirSync(dir, { recursive: true });
	const port = await freeLoopbackPort();
	const child: ChildProcess = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'], {
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	await waitFor('Redis', async () => {
		if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
		return (await ask(port, 'PING')).startsWith('+PONG');
	});
	log(`Redis on 127.0.0.1:${port}`);
	return {
		port,
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(timer);
		},
	};
}

export interface PostgresService {
	port: number;
	user: string;
	database: string;
	stop(): Promise<void>;
}

/**
 * A private PostgreSQL cluster on a free loopback port: `initdb` with trust authentication (only
 * loopback and a socket in its own folder), one database for n8n, durability off (a test database).
 * PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user Debian's
 * package creates, and its programs run through runuser.
 */
export async function startPostgres(bin: string, dir: string, database = 'n8n'): Promise<PostgresService> {
	const data = path.join(dir, 'data');
	fs.mkdirSync(dir, { recursive: true });
	let owner: { uid: number; gid: number } | undefined;
	if (isRoot) {
		const id = (flag: string) => Number(run('id', [flag, 'postgres']).trim());
		owner = { uid: id('-u'), gid: id('-g') };
		// The postgres user must reach the folder through its parents (mkdtemp makes them 0700).
		for (let parent = dir; parent !== path.dirname(parent) && !['/tmp', '/'].includes(parent); parent = path.dirname(parent)) {
			fs.chmodSync(parent, fs.statSync(parent).mode | 0o711);
		}
		fs.chownSync(dir, owner.uid, owner.gid);
	}
	const as = (program: string, args: string[]) => (isRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args], { cwd: dir }) : run(path.join(bin, program), args, { cwd: dir }));
	as('initdb', ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync']);
	const port = await freeLoopbackPort();
	const options = [`-c listen_addresses=127.0.0.1`, `-c port=${port}`, `-c unix_socket_directories=${data}`, '-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off', '-c max_connections=200'].join(' ');
	as('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
	log(`PostgreSQL on 127.0.0.1:${port}`);
	const stop = async () => {
		try {
			as('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
		} catch (error) {
			log(`stopping PostgreSQL: ${(error as Error).message}`);
		}
	};
	try {
		as('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE ${database}`]);
	} catch (error) {
		await stop();
		throw error;
	}
	return { port, user: 'postgres', database, stop };
}
