// Helpers of the plan command's processes: output tails and a concurrency limit (running a command: lib/process.ts).
/** Last lines of a process output, for error messages. */
export function tail(text: string, lines = 30): string {
  const all = text.trimEnd().split("\n");
  return all.slice(Math.max(0, all.length - lines)).join("\n");
}

/** Bounds how many tasks run at once (terraform and synth processes: one per core is plenty). */
export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(public readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`Limiter: concurrency must be a positive integer, got ${concurrency}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.queue.shift()?.();
    }
  }
}
