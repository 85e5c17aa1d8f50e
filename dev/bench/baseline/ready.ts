/**
 * The bench's end of the baseline's readiness datagrams (definitions.ts): each names a workflow
 * whose first task has run. A datagram may come before the client has its start's answer: it is
 * kept until asked for.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';

export class BaselineReadiness {
  private readonly socket = createSocket('udp4');
  private readonly arrived = new Set<string>();
  private readonly waiters = new Map<string, () => void>();

  private constructor() {
    this.socket.on('message', (message) => {
      const workflowId = message.toString('utf8');
      const waiter = this.waiters.get(workflowId);
      if (waiter) {
        this.waiters.delete(workflowId);
        waiter();
      } else this.arrived.add(workflowId);
    });
  }

  /** Listens on a free loopback port. */
  static async listen(): Promise<BaselineReadiness> {
    const readiness = new BaselineReadiness();
    readiness.socket.bind(0, '127.0.0.1');
    await once(readiness.socket, 'listening');
    return readiness;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Resolves once the worker has said that `workflowId`'s first task has run. */
  ready(workflowId: string, timeoutMs = 30_000): Promise<void> {
    if (this.arrived.delete(workflowId)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(workflowId);
        reject(new Error(`no word from the baseline worker that ${workflowId} ran its first task after ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiters.set(workflowId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
