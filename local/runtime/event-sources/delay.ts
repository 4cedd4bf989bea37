/** Waiting that never outlives a stopped source: sleeps end early on abort, and the retry back-off. */

/** Resolves after `ms`, or at once when `signal` aborts (never rejects); its timer is cleared either way. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/**
 * A sleep that another part of the source can cut short (e.g. a shard finished: look for its children now).
 * A wake while not sleeping ends the next sleep at once.
 */
export class Wakeable {
  private wakeCurrent: (() => void) | undefined;
  private pending = false;

  /** Like `sleep`, but `wake()` also ends it. */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    const local = new AbortController();
    const onAbort = (): void => local.abort();
    signal.addEventListener("abort", onAbort);
    if (signal.aborted) local.abort();
    this.wakeCurrent = () => local.abort();
    return sleep(ms, local.signal).finally(() => {
      signal.removeEventListener("abort", onAbort);
      this.wakeCurrent = undefined;
    });
  }

  wake(): void {
    if (this.wakeCurrent === undefined) this.pending = true;
    else this.wakeCurrent();
  }
}

/** Retry delays: 100 ms doubling to 2 s, so a failing function or an unreachable emulator does not spin. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs = 100,
    private readonly maxMs = 2000,
  ) {}

  /** The next delay (and counts it). */
  next(): number {
    const ms = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return ms;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** True for the error an aborted SDK call rejects with. */
export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === "AbortError" || err.name === "RequestAbortedError");
}

/** An error as one line for the log. */
export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
