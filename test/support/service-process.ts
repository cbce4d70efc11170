// The service as a process of its own (`node --import tsx src/main.ts`, as `npm start` runs it), for
// tests that must see whether the process survives what they do to it.
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceProcess {
  port: number;
  child: ChildProcess;
  /** Everything it has written so far (JSON log lines). */
  output(): string;
  alive(): boolean;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

export function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  // The suite's own direct and replica URLs name its database, not the one `env` gives.
  const { DATABASE_LISTEN_URL: _listen, DATABASE_READ_URL: _read, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...inherited, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exit: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exit = code))));
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      // The `serving` line's fields in whatever order the logger writes them.
      const serving = /"port":(\d+)(?=[^\n]*"msg":"serving")|"msg":"serving"[^\n]*"port":(\d+)/.exec(output);
      if (serving) {
        child.stdout!.off('data', collect);
        child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
        resolve({
          port: Number(serving[1] ?? serving[2]),
          child,
          output: () => output,
          alive: () => exit === undefined,
          async stop() {
            if (exit === undefined) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    void exited.then((code) => reject(new Error(`the service exited (${code}) before serving:\n${output}`)));
  });
}
