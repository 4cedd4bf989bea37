/**
 * The signed-in session: tokens in memory only, refreshed REFRESH_LEEWAY_SECONDS before they expire with the mode's
 * refresher (Cognito REFRESH_TOKEN_AUTH in password mode, the token endpoint's refresh_token grant with the hosted UI).
 * A refresh that fails signs the user out with a message; nothing is persisted, so a reload starts signed out.
 */
import { Tokens, isUsable, refreshDelay } from "./tokens";

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as number),
};

export type SessionListener = (tokens: Tokens | undefined, reason?: string) => void;

export class Session {
  private tokens: Tokens | undefined;
  private timer: unknown;
  private readonly listeners = new Set<SessionListener>();

  constructor(
    private readonly refresher: (refreshToken: string) => Promise<Tokens>,
    private readonly clock: Clock = browserClock,
  ) {}

  get current(): Tokens | undefined {
    return this.tokens;
  }

  /** The token the API takes, when the session holds one that has not expired. */
  idToken(): string | undefined {
    return isUsable(this.tokens, this.clock.now()) ? this.tokens.idToken : undefined;
  }

  /**
   * A usable ID token, refreshing first when the held one has expired and a refresh token is at hand (a timer that
   * fired late: a background tab, a laptop that slept). Undefined when signed out or when the refresh failed.
   */
  async freshIdToken(): Promise<string | undefined> {
    const now = this.idToken();
    if (now !== undefined || this.tokens?.refreshToken === undefined) return now;
    await this.refresh();
    return this.idToken();
  }

  /** When the next refresh is scheduled (epoch ms), for display and tests. */
  refreshAt: number | undefined;

  signIn(tokens: Tokens): void {
    this.tokens = tokens;
    this.schedule();
    this.emit();
  }

  /** Forgets the tokens (and the scheduled refresh). */
  signOut(reason?: string): void {
    this.tokens = undefined;
    this.cancel();
    this.emit(reason);
  }

  subscribe(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private inflight: Promise<void> | undefined;

  /**
   * Refreshes now (the scheduled refresh and freshIdToken call this; concurrent calls share one refresh). A failure
   * ends the session with its reason. A refresh that returns after a sign-out, or after another sign-in, is dropped.
   */
  refresh(): Promise<void> {
    this.inflight ??= this.refreshOnce().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refreshOnce(): Promise<void> {
    const held = this.tokens;
    const refreshToken = held?.refreshToken;
    if (refreshToken === undefined) {
      this.signOut("Your session expired. Sign in again.");
      return;
    }
    try {
      const next = await this.refresher(refreshToken);
      if (this.tokens !== held) return; // signed out, or signed in again, meanwhile
      this.tokens = next;
      this.schedule();
      this.emit();
    } catch (err) {
      if (this.tokens !== held) return;
      this.signOut(`Your session could not be renewed (${err instanceof Error ? err.message : String(err)}). Sign in again.`);
    }
  }

  private schedule(): void {
    this.cancel();
    if (this.tokens === undefined) return;
    const delay = refreshDelay(this.tokens.expiresAt, this.clock.now());
    this.refreshAt = this.clock.now() + delay;
    this.timer = this.clock.setTimeout(() => void this.refresh(), delay);
  }

  private cancel(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.refreshAt = undefined;
  }

  private emit(reason?: string): void {
    for (const l of this.listeners) l(this.tokens, reason);
  }
}
