import { fakeJwt } from "./jwt.test-support";
import { Clock, Session } from "./session";
import { MIN_REFRESH_DELAY_MS, REFRESH_LEEWAY_SECONDS, Tokens, decodeJwtPayload, emailOf, expiryOf, isUsable, refreshDelay } from "./tokens";

class FakeClock implements Clock {
  t = 1_000_000;
  timers: Array<{ at: number; fn: () => void; id: number }> = [];
  private next = 1;
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown): void => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  /** Moves time forward, running the timers that fall due. */
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const d of due) d.fn();
  }
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe("tokens", () => {
  it("reads a JWT's payload, base64url with multi-byte UTF-8", () => {
    expect(decodeJwtPayload(fakeJwt({ email: "zoë@example.com", exp: 5 }))).toEqual({ email: "zoë@example.com", exp: 5 });
    expect(() => decodeJwtPayload("nope")).toThrow(/not a JWT/);
  });

  it("takes the expiry from the ID token's exp, or expires_in when earlier or when exp is missing", () => {
    const now = 1_700_000_000_000;
    expect(expiryOf(fakeJwt({ exp: 1_700_003_600 }), 7200, now)).toBe(1_700_003_600_000);
    expect(expiryOf(fakeJwt({ exp: 1_700_003_600 }), 60, now)).toBe(now + 60_000);
    expect(expiryOf(fakeJwt({}), 3600, now)).toBe(now + 3_600_000);
    expect(expiryOf("garbage", 3600, now)).toBe(now + 3_600_000);
  });

  it(`schedules the refresh ${REFRESH_LEEWAY_SECONDS} s before expiry, and at once (never negative) when that is past`, () => {
    expect(refreshDelay(10 * 60_000, 0)).toBe(9 * 60_000);
    expect(refreshDelay(30_000, 0)).toBe(MIN_REFRESH_DELAY_MS);
    expect(refreshDelay(0, 10_000)).toBe(MIN_REFRESH_DELAY_MS);
  });

  it("does not use a token within 5 s of its expiry", () => {
    const t: Tokens = { idToken: "i", accessToken: "a", expiresAt: 100_000 };
    expect(isUsable(t, 90_000)).toBe(true);
    expect(isUsable(t, 96_000)).toBe(false);
    expect(isUsable(undefined, 0)).toBe(false);
  });

  it("reads the e-mail of the ID token", () => {
    expect(emailOf({ idToken: fakeJwt({ email: "a@b.c" }), accessToken: "", expiresAt: 0 })).toBe("a@b.c");
  });
});

describe("Session", () => {
  const tokensAt = (clock: FakeClock, n: number, lifetimeMs = 3_600_000): Tokens => ({
    idToken: `id-${n}`,
    accessToken: `access-${n}`,
    refreshToken: "refresh",
    expiresAt: clock.now() + lifetimeMs,
  });

  it("refreshes 60 s before expiry with the refresh token, then schedules the next refresh", async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    let n = 1;
    const session = new Session(async (rt) => {
      calls.push(rt);
      return tokensAt(clock, ++n);
    }, clock);
    session.signIn(tokensAt(clock, 1));
    expect(session.idToken()).toBe("id-1");
    expect(session.refreshAt).toBe(clock.now() + 3_600_000 - 60_000);
    clock.advance(3_600_000 - 60_001);
    expect(calls).toEqual([]);
    clock.advance(1);
    await flush();
    expect(calls).toEqual(["refresh"]);
    expect(session.idToken()).toBe("id-2");
    expect(clock.timers).toHaveLength(1);
  });

  it("signs out with a reason when the refresh fails; listeners hear it", async () => {
    const clock = new FakeClock();
    const session = new Session(async () => {
      throw new Error("NotAuthorizedException");
    }, clock);
    const heard: Array<[Tokens | undefined, string | undefined]> = [];
    session.subscribe((t, reason) => heard.push([t, reason]));
    session.signIn(tokensAt(clock, 1, 120_000));
    clock.advance(60_000);
    await flush();
    expect(session.current).toBeUndefined();
    expect(session.idToken()).toBeUndefined();
    expect(heard.at(-1)?.[1]).toMatch(/could not be renewed \(NotAuthorizedException\)/);
  });

  it("an expired token (the timer fired late: background tab, sleep) is refreshed on demand, once for concurrent callers", async () => {
    const clock = new FakeClock();
    let n = 1;
    const calls: string[] = [];
    const session = new Session(async (rt) => {
      calls.push(rt);
      await flush();
      return tokensAt(clock, ++n);
    }, clock);
    session.signIn(tokensAt(clock, 1, 120_000));
    clock.timers = []; // the scheduled refresh never ran
    clock.t += 200_000;
    expect(session.idToken()).toBeUndefined();
    const [a, b] = await Promise.all([session.freshIdToken(), session.freshIdToken()]);
    expect([a, b]).toEqual(["id-2", "id-2"]);
    expect(calls).toEqual(["refresh"]);
    expect(await session.freshIdToken()).toBe("id-2");
  });

  it("a refresh that returns after a sign-out and a new sign-in does not replace the new tokens", async () => {
    const clock = new FakeClock();
    let release!: () => void;
    const session = new Session(
      () =>
        new Promise<Tokens>((resolve) => {
          release = () => resolve(tokensAt(clock, 99));
        }),
      clock,
    );
    session.signIn(tokensAt(clock, 1));
    const pending = session.refresh();
    session.signOut();
    session.signIn(tokensAt(clock, 2));
    release();
    await pending;
    expect(session.idToken()).toBe("id-2");
  });

  it("sign-out drops the tokens and cancels the scheduled refresh", () => {
    const clock = new FakeClock();
    const session = new Session(async () => tokensAt(clock, 2), clock);
    session.signIn(tokensAt(clock, 1));
    session.signOut();
    expect(session.current).toBeUndefined();
    expect(clock.timers).toHaveLength(0);
  });
});
