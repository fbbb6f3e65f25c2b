// SIGINT / SIGTERM (Ctrl-C, docker stop, a pod being deleted): remember the
// signal, tell whoever is running (to cancel the statement in PostgreSQL), and
// let the command unwind so its transaction rolls back and the lock is released.
// A second signal means "now": exit at once; PostgreSQL rolls back when the
// connection drops.

export type StopSignal = 'SIGINT' | 'SIGTERM';

export class SignalWatch {
  received: StopSignal | undefined;
  private listeners = new Set<(signal: StopSignal) => void>();
  private readonly controller = new AbortController();
  /** Aborted on the first signal: waits and sleeps end early. */
  readonly abortSignal = this.controller.signal;

  install(): () => void {
    const handler = (signal: StopSignal) => {
      if (this.received) process.exit(signal === 'SIGINT' ? 130 : 143);
      this.received = signal;
      this.controller.abort();
      for (const listener of this.listeners) listener(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  }

  /** Calls `listener` on the first signal; returns the unsubscribe function. */
  onSignal(listener: (signal: StopSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with jitter, so runners started together do not retry in step. */
export function backoff(attempt: number, firstMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, firstMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
