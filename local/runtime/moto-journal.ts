/**
 * moto keeps nothing across restarts. To bring a deployment back without re-applying Terraform (~110 s of the
 * provider's waits), the local endpoint records every request it forwards to moto while Terraform applies — one at a
 * time, after seeding moto's random generator, so each resource id moto draws depends only on the order of the
 * requests — and a warm start replays them, in order, into a fresh moto seeded the same way. The ids then match the
 * Terraform state again; the platform checks that before it trusts the replay (and applies Terraform otherwise).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { GatewayRequest, GatewayResponse } from "./gateway";
import { forwardTo } from "./gateway";

/** The seed of moto's random generator for every recorded or replayed session. */
export const MOTO_SEED = 20261130;

interface Entry {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  /** base64 */
  readonly body: string;
}

interface JournalFile {
  readonly version: 1;
  /** What the journal deployed (the synthesized stack's hash); a replay for another stack is still valid as a base. */
  readonly stackHash: string;
  readonly entries: Entry[];
}

const KEPT_HEADERS = ["authorization", "content-type", "x-amz-target", "x-amz-date", "x-amz-content-sha256", "x-amz-invocation-type", "accept", "content-md5"];

export class MotoJournal {
  private readonly entries: Entry[];
  private chain: Promise<unknown> = Promise.resolve();
  /** Requests are recorded (and serialized) only while this is on. */
  recording = false;

  private constructor(
    private readonly path: string,
    public stackHash: string,
    entries: Entry[],
  ) {
    this.entries = entries;
  }

  /** The journal at `path`, or an empty one. */
  static open(path: string): MotoJournal {
    if (!existsSync(path)) return new MotoJournal(path, "", []);
    const file = JSON.parse(readFileSync(path, "utf8")) as JournalFile;
    return new MotoJournal(path, file.stackHash, file.entries);
  }

  get size(): number {
    return this.entries.length;
  }

  /** Forwards one request to moto; while recording, one at a time and written down when moto accepted it. */
  forward(moto: string, req: GatewayRequest): Promise<GatewayResponse> {
    if (!this.recording) return forwardTo(moto, req);
    const run = this.chain.then(async () => {
      const res = await forwardTo(moto, req);
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const v = req.headers[name];
        if (typeof v === "string") headers[name] = v;
      }
      this.entries.push({ method: req.method, url: req.url, headers, body: req.body.toString("base64") });
      return res;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Seeds a fresh moto and sends it every recorded request in order. */
  async replay(moto: string): Promise<void> {
    await seedMoto(moto);
    for (const e of this.entries) {
      await forwardTo(moto, { method: e.method, url: e.url, headers: { ...e.headers }, body: Buffer.from(e.body, "base64") });
    }
  }

  save(stackHash: string): void {
    this.stackHash = stackHash;
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, stackHash, entries: this.entries } satisfies JournalFile));
    renameSync(tmp, this.path);
  }

  /** Forget everything (moto was reset). */
  clear(): void {
    this.entries.length = 0;
    this.stackHash = "";
    rmSync(this.path, { force: true });
  }
}

/**
 * Seeds moto's random generator. Twice: the first call to moto's own API may initialise state that draws random
 * numbers after the seed took effect (measured: one seed on a fresh moto and a second seed later give different ids),
 * so only a second seed leaves the generator in the same state on a fresh moto and on one that was reset.
 */
export async function seedMoto(moto: string): Promise<void> {
  for (let i = 0; i < 2; i += 1) {
    const res = await fetch(`${moto}/moto-api/seed?a=${MOTO_SEED}`, { method: "POST" });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`moto refused /moto-api/seed (${res.status})`);
  }
}
