/**
 * "Drained" detection for tests and tooling: every participant of a source (the SQS poller; the shard lister
 * and each shard reader of a stream) reports busy while it holds records, and quiet with the stamp of the
 * fetch that came back empty. A wait resolves once every participant is quiet with a fetch begun after it.
 */
export class IdleTracker {
  private clock = 0;
  private readonly states = new Map<string, number | "busy">();
  private waiters: Array<{ readonly since: number; readonly resolve: () => void }> = [];
  private closed = false;

  /** A stamp to take just before a fetch (then passed to `quiet` if the fetch found nothing). */
  stamp(): number {
    this.clock += 1;
    return this.clock;
  }

  busy(participant: string): void {
    this.states.set(participant, "busy");
  }

  quiet(participant: string, fetchStamp: number): void {
    this.states.set(participant, fetchStamp);
    this.settle();
  }

  remove(participant: string): void {
    this.states.delete(participant);
    this.settle();
  }

  /** Resolves once everything is quiet after this call (at once after `close`). */
  wait(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const since = this.stamp();
    return new Promise((resolve) => this.waiters.push({ since, resolve }));
  }

  /** The source stopped: release every waiter, now and later. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters = [];
  }

  private settle(): void {
    const states = [...this.states.values()];
    this.waiters = this.waiters.filter((waiter) => {
      const drained = states.every((state) => state !== "busy" && state > waiter.since);
      if (drained) waiter.resolve();
      return !drained;
    });
  }
}
