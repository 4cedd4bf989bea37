/** Keeps one running poller per enabled event source mapping in the store, in step with every change to it. */
import { EventSourceDeps, RunningEventSource, startEventSource } from "../runtime/event-sources";
import type { EventSourceMappingStore } from "../runtime/esm-store";
import { mappingConfig } from "../runtime/mapping-config";

export class EventSourceSupervisor {
  private readonly running = new Map<string, { key: string; source: RunningEventSource }>();
  private syncing: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: EventSourceMappingStore,
    private readonly deps: EventSourceDeps,
  ) {
    this.unsubscribe = store.onChange(() => void this.sync());
    void this.sync();
  }

  /** Starts, restarts (changed settings) and stops pollers to match the store. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(async () => {
      const wanted = new Map(this.store.list().map((m) => [m.UUID, mappingConfig(m)]));
      for (const [uuid, r] of [...this.running]) {
        const config = wanted.get(uuid);
        if (config === undefined || JSON.stringify(config) !== r.key) {
          this.running.delete(uuid);
          await r.source.stop();
        }
      }
      for (const [uuid, config] of wanted) {
        if (this.running.has(uuid)) continue;
        try {
          this.running.set(uuid, { key: JSON.stringify(config), source: startEventSource(config, this.deps) });
        } catch (err) {
          // A mapping the runtime cannot poll (refused at create time too) never stops the others.
          this.deps.log?.error(`event source mapping ${uuid} (${config.eventSourceArn}) is not polled: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    });
    return this.syncing;
  }

  /** Resolves once every poller has nothing in flight and nothing to fetch. */
  async idle(): Promise<void> {
    await this.syncing;
    await Promise.all([...this.running.values()].map((r) => r.source.idle()));
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    await this.syncing;
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map((r) => r.source.stop()));
  }
}
