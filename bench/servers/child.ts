// A gRPC server under test in a process of its own, so that its CPU can be measured apart from the
// load generators', the benchmark's and the other server's. Both sides of the protocol are here:
//  - the benchmark starts a server script with startServerChild(), with the V8 flags `npm start`
//    gives the server (package.json config.nodeFlags) and tsx, and talks to it over IPC;
//  - the server script calls serveAsChild() with a function that starts the server.
// Over IPC the child says which port it listens on, starts and stops a CPU profile on request
// (node:inspector, written as a .cpuprofile), and shuts down when told to.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

type Request = { op: 'profile-start'; intervalUs: number } | { op: 'profile-stop'; file: string } | { op: 'stop' };
type Reply = { ready: number } | { done: Request['op'] } | { failed: string };

export interface ServerChild {
  name: string;
  pid: number;
  port: number;
  /** Starts sampling the child's CPU (every `intervalUs` microseconds). */
  profileStart(intervalUs?: number): Promise<void>;
  /** Stops sampling and writes the profile to `file` (a .cpuprofile, for Chrome DevTools too). */
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

/** The flags `npm start` runs the server with (package.json, config.nodeFlags). */
export function deployedNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { config: { nodeFlags: string } };
  return pkg.config.nodeFlags.split(' ').filter((f) => f !== '');
}

/** Starts `script` (a .ts file, through tsx as `npm start` does, or compiled .js) with `config` as
 *  its one argument (JSON); resolves once it listens. */
export async function startServerChild(name: string, script: URL, config: unknown): Promise<ServerChild> {
  const tsx = script.pathname.endsWith('.ts') ? ['--import', 'tsx'] : []; // compiled JavaScript runs as it is
  const child = spawn(process.execPath, [...deployedNodeFlags(), ...tsx, script.pathname, JSON.stringify(config)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: Array<(reply: Reply) => void> = [];
  child.on('message', (reply: Reply) => replies.shift()?.(reply));
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${name} exited (${code}) before answering`));
      child.once('exit', onExit);
      replies.push((reply) => (child.off('exit', onExit), resolve(reply)));
    });
  const ask = async (request: Request) => {
    const reply = next();
    child.send(request);
    const r = await reply;
    if ('failed' in r) throw new Error(`${name}: ${request.op} failed: ${r.failed}`);
  };
  const ready = await next();
  if (!('ready' in ready)) throw new Error(`${name} did not start: ${JSON.stringify(ready)}`);
  return {
    name,
    pid: child.pid!,
    port: ready.ready,
    profileStart: (intervalUs = 500) => ask({ op: 'profile-start', intervalUs }),
    profileStop: (file) => ask({ op: 'profile-stop', file }),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'stop' } satisfies Request);
      await exited;
    },
  };
}

/** In the server script: starts the server, reports its port, then serves the benchmark's requests. */
export async function serveAsChild<C>(start: (config: C) => Promise<{ port: number; close(): Promise<void> }>): Promise<void> {
  if (!process.send) throw new Error('run this script through startServerChild (bench/servers/child.ts)');
  const send = (reply: Reply) => process.send!(reply);
  const server = await start(JSON.parse(process.argv[2] ?? '{}') as C);
  const session = new Session();
  session.connect();
  process.on('message', async (request: Request) => {
    try {
      if (request.op === 'profile-start') {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: request.intervalUs });
        await session.post('Profiler.start');
      } else if (request.op === 'profile-stop') {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(request.file, JSON.stringify(profile));
      } else {
        session.disconnect();
        await server.close();
        process.send!({ done: request.op } satisfies Reply, () => process.exit(0));
        return;
      }
      send({ done: request.op });
    } catch (err) {
      send({ failed: err instanceof Error ? err.message : String(err) });
    }
  });
  send({ ready: server.port });
}

/** CPU time (user + system, all threads) a process has used so far, in milliseconds, from
 *  /proc/<pid>/stat; undefined once the process is gone. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces), from field 3 (state) on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** USER_HZ: Linux reports process times in 1/100 s on every architecture Node runs on. */
const CLOCK_TICKS = 100;
