// Child processes of the bench: started in their own process group, watched, and always
// stopped by their own id (the group of the child the bench started), even when a step fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Service {
  name: string;
  child: ChildProcess;
  /** The last lines the process wrote, to explain a failure. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<Service>();
/** Set by stopAll: a step still running during the cleanup cannot start a process any more. */
let closed = false;

export function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Service {
  if (closed) throw new Error(`not starting ${name}: the bench is stopping`);
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const service: Service = {
    name,
    child,
    output: () => tail,
    stop: async () => {
      running.delete(service);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const signal = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          /* already gone */
        }
      };
      signal('SIGTERM');
      const timeout = (ms: number) => new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref());
      if ((await Promise.race([exited.then(() => 'exited' as const), timeout(15_000)])) === 'timeout') {
        signal('SIGKILL');
        await Promise.race([exited, timeout(5_000)]);
      }
    },
  };
  running.add(service);
  return service;
}

export async function stopAll(): Promise<void> {
  closed = true;
  await Promise.all([...running].map((s) => s.stop()));
}

/** GET `url` until it answers 200; returns the seconds waited. Fails when the process exits. */
export async function waitFor200(url: string, service: Service, timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (service.child.exitCode !== null)
      throw new Error(`${service.name} exited (${service.child.exitCode}):\n${service.output()}`);
    const status = await new Promise<number>((resolve) => {
      const req = http.get(url, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.setTimeout(2_000, () => req.destroy());
      req.on('error', () => resolve(0));
    });
    if (status === 200) return (performance.now() - started) / 1000;
    if (performance.now() - started > timeoutMs)
      throw new Error(`${service.name}: no 200 on ${url} within ${timeoutMs / 1000} s:\n${service.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resident memory of a process from /proc/<pid>/status, in MB: now (VmRSS) and peak (VmHWM). */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}
