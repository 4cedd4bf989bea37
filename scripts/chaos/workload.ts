/**
 * The campaign's users: signed up through the local user pool (the post-confirmation trigger creates each profile),
 * then each runs a seeded random sequence over HTTP — profile PUTs with and without If-Match, reads, activity events,
 * sometimes the account deletion — while the model below records what the API promised: the profile's version and
 * fields after each acknowledged write, the event ids accepted with 202, the deletions started.
 *
 * An answer that promises nothing (a 5xx or a dropped connection) is followed by a GET that re-reads the truth
 * (the user's requests are sequential, so that read is final for it); activity events are re-sent with the same ids,
 * as the API asks, and stay "ambiguous" (stored 0 or 1 times, never twice) if no 202 ever names them.
 */
import { CognitoCallError, signIn, signUp } from "../../local/platform/users";
import { fork, Rng } from "./rng";

export interface ProfileFields {
  readonly displayName: string;
  readonly locale: string | null;
}

export interface SentEvent {
  readonly type: string;
  readonly time: string;
}

export interface UserModel {
  readonly index: number;
  readonly email: string;
  readonly sub: string;
  readonly token: string;
  /** The version and fields the API last acknowledged (or a GET read back). */
  version: number;
  fields: ProfileFields;
  /** DELETE /profiles/me answered 202. */
  deleted: boolean;
  readonly accepted: Map<string, SentEvent>;
  readonly ambiguous: Map<string, SentEvent>;
}

/** Answers per route and status, and what did not fit the model. */
export class Tally {
  readonly byRoute = new Map<string, Map<number, number>>();
  /** An answer the model did not allow (e.g. 412 to the current version): each one is a mismatch. */
  readonly surprises: string[] = [];

  count(route: string, status: number): void {
    const m = this.byRoute.get(route) ?? new Map<number, number>();
    m.set(status, (m.get(status) ?? 0) + 1);
    this.byRoute.set(route, m);
  }

  total(predicate: (status: number) => boolean): number {
    let n = 0;
    for (const m of this.byRoute.values()) for (const [s, c] of m) if (predicate(s)) n += c;
    return n;
  }
}

export interface Answer {
  readonly status: number;
  readonly etag: string | null;
  readonly body: any;
}

export async function call(apiUrl: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  try {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: res.status, etag: res.headers.get("etag"), body: parsed };
  } catch {
    return { status: 0, etag: null, body: undefined };
  }
}

const versionOf = (etag: string | null): number => Number(/^(?:W\/)?"?(\d+)"?$/.exec(etag ?? "")?.[1] ?? NaN);

/** Runs `fn` over items with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

export interface SignUpOptions {
  readonly endpoint: string;
  readonly apiUrl: string;
  readonly clientId: string;
  readonly users: number;
  readonly runId: string;
  readonly concurrency: number;
}

/** Signs the users up and in, and reads each profile the sign-up trigger created. */
export async function createUsers(o: SignUpOptions, tally: Tally): Promise<UserModel[]> {
  const users: UserModel[] = new Array(o.users);
  const password = "Chaos-Passw0rd!long";
  await pool(
    Array.from({ length: o.users }, (_, i) => i),
    o.concurrency,
    async (i) => {
      let email = `chaos-${o.runId}-${i}@example.com`;
      for (let attempt = 1; ; attempt++) {
        try {
          await signUp(o.endpoint, o.clientId, email, password);
          break;
        } catch (err) {
          // Cognito gives the post-confirmation trigger 5 s; a slower one fails ConfirmSignUp, but the user is confirmed
          // and the invocation goes on (as on AWS). Counted; the profile is looked for below.
          if (err instanceof CognitoCallError && err.type === "UnexpectedLambdaException") {
            tally.count("ConfirmSignUp: trigger timed out", 0);
            break;
          }
          // moto under load sometimes answers an HTML error page: a new user (a half-made one is not in the model).
          if (attempt >= 5) throw err;
          tally.count("sign-up retried (emulator error)", 0);
          email = `chaos-${o.runId}-${i}-r${attempt}@example.com`;
          await new Promise((r) => setTimeout(r, 1000 * attempt));
        }
      }
      const { idToken } = await signIn(o.endpoint, o.clientId, email, password);
      const sub = String(JSON.parse(Buffer.from(idToken.split(".")[1], "base64url").toString("utf8")).sub);
      let got = await call(o.apiUrl, idToken, "GET", "/profiles/me");
      for (let attempt = 0; got.status !== 200 && attempt < 30; attempt++) {
        await new Promise((r) => setTimeout(r, 500));
        got = await call(o.apiUrl, idToken, "GET", "/profiles/me");
      }
      tally.count("GET /profiles/me", got.status);
      if (got.status !== 200) throw new Error(`user ${email}: the sign-up trigger created no profile (GET /profiles/me answered ${got.status})`);
      users[i] = {
        index: i,
        email,
        sub,
        token: idToken,
        version: versionOf(got.etag),
        fields: { displayName: got.body.displayName, locale: got.body.locale ?? null },
        deleted: false,
        accepted: new Map(),
        ambiguous: new Map(),
      };
    },
  );
  return users;
}

const LOCALES = ["en-GB", "fr-FR", "de-DE", "ja-JP", null] as const;
const TYPES = ["page.view", "file.upload", "search.run", "click"] as const;

export interface WorkloadOptions {
  readonly apiUrl: string;
  readonly seed: number;
  /** Operations per user: [min, max]. */
  readonly ops: readonly [number, number];
  /** Chance that an operation is the account deletion (then the user stops after one more write). */
  readonly deleteChance: number;
  readonly concurrency: number;
}

/** Runs every user's sequence; the model is updated in place. */
export async function runWorkload(users: readonly UserModel[], o: WorkloadOptions, tally: Tally): Promise<void> {
  await pool(users, o.concurrency, async (user) => {
    const rng = fork(o.seed, user.index);
    const ops = rng.int(o.ops[0], o.ops[1]);
    for (let k = 0; k < ops && !user.deleted; k++) {
      const r = rng.next();
      if (r < o.deleteChance) await deleteAccount(o.apiUrl, user, rng, tally);
      else if (r < 0.3) await putProfile(o.apiUrl, user, rng, tally, "none");
      else if (r < 0.45) await putProfile(o.apiUrl, user, rng, tally, "current");
      else if (r < 0.5) await putProfile(o.apiUrl, user, rng, tally, "stale");
      else if (r < 0.6) await readProfile(o.apiUrl, user, tally);
      else await postEvents(o.apiUrl, user, rng, tally);
    }
  });
}

/** GET until it answers: the truth for a user whose last write got no promise. */
async function resync(apiUrl: string, user: UserModel, tally: Tally): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const got = await call(apiUrl, user.token, "GET", "/profiles/me");
    tally.count("GET /profiles/me", got.status);
    if (got.status === 200) {
      user.version = versionOf(got.etag);
      user.fields = { displayName: got.body.displayName, locale: got.body.locale ?? null };
      return;
    }
    await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
  }
  tally.surprises.push(`user ${user.index}: GET /profiles/me never answered 200 after an ambiguous write`);
}

async function readProfile(apiUrl: string, user: UserModel, tally: Tally): Promise<void> {
  const got = await call(apiUrl, user.token, "GET", "/profiles/me");
  tally.count("GET /profiles/me", got.status);
  if (got.status === 200 && versionOf(got.etag) !== user.version) {
    tally.surprises.push(`user ${user.index}: GET /profiles/me read version ${got.etag}, the last acknowledged write was version ${user.version}`);
    user.version = versionOf(got.etag);
    user.fields = { displayName: got.body.displayName, locale: got.body.locale ?? null };
  } else if (got.status !== 200) await resync(apiUrl, user, tally);
}

async function putProfile(apiUrl: string, user: UserModel, rng: Rng, tally: Tally, ifMatch: "none" | "current" | "stale"): Promise<void> {
  const fields: ProfileFields = { displayName: `chaos ${user.index} ${rng.int(0, 1e6)} é`, locale: rng.pick(LOCALES) };
  const body = { displayName: fields.displayName, ...(fields.locale !== null ? { locale: fields.locale } : {}) };
  const headers: Record<string, string> =
    ifMatch === "none" ? {} : { "if-match": `"${ifMatch === "current" ? user.version : user.version > 1 ? user.version - 1 : user.version + 1}"` };
  const route = `PUT /profiles/me (If-Match ${ifMatch})`;
  const got = await call(apiUrl, user.token, "PUT", "/profiles/me", body, headers);
  tally.count(route, got.status);
  if (got.status === 200 || got.status === 201) {
    const version = versionOf(got.etag);
    if (!(version > user.version)) tally.surprises.push(`user ${user.index}: ${route} acknowledged version ${version} after version ${user.version}`);
    if (ifMatch === "stale") tally.surprises.push(`user ${user.index}: ${route} was accepted`);
    user.version = version;
    user.fields = fields;
  } else if (got.status === 412) {
    if (ifMatch !== "stale") tally.surprises.push(`user ${user.index}: ${route} answered 412 to the version the API last acknowledged`);
  } else await resync(apiUrl, user, tally);
}

async function deleteAccount(apiUrl: string, user: UserModel, rng: Rng, tally: Tally): Promise<void> {
  const headers: Record<string, string> = rng.chance(0.5) ? { "if-match": `"${user.version}"` } : {};
  for (let attempt = 0; attempt < 5; attempt++) {
    const got = await call(apiUrl, user.token, "DELETE", "/profiles/me", undefined, headers);
    tally.count("DELETE /profiles/me", got.status);
    if (got.status === 202) {
      user.deleted = true;
      break;
    }
    if (got.status < 500 && got.status !== 0) {
      tally.surprises.push(`user ${user.index}: DELETE /profiles/me answered ${got.status}`);
      return;
    }
  }
  if (!user.deleted) {
    tally.surprises.push(`user ${user.index}: DELETE /profiles/me never answered 202`);
    return;
  }
  // A write after the deletion started is refused, whichever step the workflow is at.
  const got = await call(apiUrl, user.token, "PUT", "/profiles/me", { displayName: "after deletion" });
  tally.count("PUT /profiles/me (after DELETE)", got.status);
  const code = got.body?.error?.code;
  if (!(got.status === 409 && (code === "DeletionInProgress" || code === "AccountDeleted")) && got.status < 500 && got.status !== 0) {
    tally.surprises.push(`user ${user.index}: PUT after DELETE answered ${got.status} ${String(code)}`);
  }
}

async function postEvents(apiUrl: string, user: UserModel, rng: Rng, tally: Tally): Promise<void> {
  const now = Date.now();
  let pending = Array.from({ length: rng.int(1, 5) }, () => ({
    eventId: rng.uuid(),
    type: rng.pick(TYPES),
    time: new Date(now - rng.int(0, 3_600_000)).toISOString(),
    props: { n: rng.int(0, 1000) },
  }));
  for (let attempt = 0; attempt < 4 && pending.length > 0; attempt++) {
    for (const e of pending) user.ambiguous.set(e.eventId, { type: e.type, time: e.time });
    const got = await call(apiUrl, user.token, "POST", "/events", { events: pending });
    tally.count("POST /events", got.status);
    if (got.status === 202) {
      const failed = new Set<string>((got.body?.failures ?? []).map((f: { eventId: string }) => f.eventId));
      for (const e of pending) {
        if (failed.has(e.eventId)) continue;
        user.ambiguous.delete(e.eventId);
        user.accepted.set(e.eventId, { type: e.type, time: e.time });
      }
      pending = pending.filter((e) => failed.has(e.eventId));
    } else if (got.status >= 400 && got.status < 500) {
      tally.surprises.push(`user ${user.index}: POST /events answered ${got.status} ${JSON.stringify(got.body)}`);
      return;
    }
  }
}
