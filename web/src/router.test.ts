import { matchRoute, safeReturnTo, titleOf } from "./router";

describe("router", () => {
  it("maps paths to screens; / and /index.html are the profile; a trailing slash is ignored", () => {
    expect(matchRoute("/")).toEqual({ name: "profile", path: "/profile", protected: true });
    expect(matchRoute("/index.html").name).toBe("profile");
    expect(matchRoute("/files/")).toEqual({ name: "files", path: "/files", protected: true });
    expect(matchRoute("/activity").name).toBe("activity");
    expect(matchRoute("/account").name).toBe("account");
    expect(matchRoute("/auth/callback")).toEqual({ name: "callback", path: "/auth/callback", protected: false });
    expect(matchRoute("/signin").protected).toBe(false);
    expect(matchRoute("/nope")).toEqual({ name: "not-found", path: "/nope", protected: false });
  });

  it("returns after sign-in only to the app's own protected screens (no open redirect)", () => {
    expect(safeReturnTo("/files")).toBe("/files");
    expect(safeReturnTo("/files?x=1")).toBe("/files");
    expect(safeReturnTo("https://evil.example/")).toBe("/profile");
    expect(safeReturnTo("//evil.example/")).toBe("/profile");
    expect(safeReturnTo("/\\evil.example")).toBe("/profile");
    expect(safeReturnTo("/auth/callback")).toBe("/profile");
    expect(safeReturnTo(null)).toBe("/profile");
  });

  it("titles each screen", () => {
    expect(titleOf(matchRoute("/files"))).toBe("My files");
    expect(titleOf(matchRoute("/signin"))).toBe("Sign in");
    expect(titleOf(matchRoute("/x"))).toBe("Page not found");
  });
});
