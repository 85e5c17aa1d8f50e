import { createConnection, createServer } from 'node:net';
import { StackError } from './errors.js';

/** A port a service needs, and the environment variable that changes it. */
export interface PortNeed {
  port: number;
  variable: string;
  host?: string;
}

export class PortInUseError extends StackError {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`Port ${port} is already in use: change ${variable}.`);
  }
}

/** True when something accepts TCP connections on host:port. */
export function answersTcp(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when host:port can be bound right now. */
function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws a PortInUseError naming the port and its variable when a port is taken. */
export async function assertPortFree({ port, variable, host = '127.0.0.1' }: PortNeed): Promise<void> {
  if (!(await canBind(port, host)) || (await answersTcp(port, host, 500))) throw new PortInUseError(port, variable);
}

/** Checks every port before anything starts; reports the first one taken. */
export async function assertPortsFree(needs: PortNeed[]): Promise<void> {
  const seen = new Map<number, string>();
  for (const need of needs) {
    const other = seen.get(need.port);
    if (other) throw new StackError(`${need.variable} and ${other} are both ${need.port}: give them different ports.`);
    seen.set(need.port, need.variable);
  }
  for (const need of needs) await assertPortFree(need);
}
