/**
 * A tiny path router (History API). Paths are real URLs, so a reload or a shared link of `/files` reaches the app
 * through the SPA fallback (CloudFront's 403/404 → /index.html; the local server does the same).
 */

export type RouteName = "profile" | "files" | "activity" | "account" | "signin" | "callback" | "not-found";

export interface Route {
  readonly name: RouteName;
  readonly path: string;
  /** Screens that need a signed-in user. */
  readonly protected: boolean;
}

export interface NavItem {
  readonly name: RouteName;
  readonly path: string;
  readonly label: string;
}

/** The screens of the navigation, in order. */
export const NAV: readonly NavItem[] = [
  { name: "profile", path: "/profile", label: "My profile" },
  { name: "files", path: "/files", label: "My files" },
  { name: "activity", path: "/activity", label: "My activity" },
  { name: "account", path: "/account", label: "Delete my account" },
];

const TABLE: Record<string, { name: RouteName; protected: boolean }> = {
  "/profile": { name: "profile", protected: true },
  "/files": { name: "files", protected: true },
  "/activity": { name: "activity", protected: true },
  "/account": { name: "account", protected: true },
  "/signin": { name: "signin", protected: false },
  "/auth/callback": { name: "callback", protected: false },
};

/** The route of a pathname: `/` is the profile; a trailing slash is ignored; anything unknown is `not-found`. */
export function matchRoute(pathname: string): Route {
  let path = pathname === "" ? "/" : pathname;
  if (path.length > 1 && path.endsWith("/")) path = path.replace(/\/+$/, "");
  if (path === "/" || path === "/index.html") return { name: "profile", path: "/profile", protected: true };
  const hit = TABLE[path];
  return hit !== undefined ? { ...hit, path } : { name: "not-found", path, protected: false };
}

/** Only same-app paths are followed after sign-in (never an absolute URL: no open redirect). */
export function safeReturnTo(value: string | null | undefined): string {
  if (value === null || value === undefined || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/profile";
  const route = matchRoute(value.split("?")[0]);
  return route.protected ? route.path : "/profile";
}

/** The document title of a route. */
export function titleOf(route: Route): string {
  const item = NAV.find((n) => n.name === route.name);
  if (item !== undefined) return item.label;
  if (route.name === "signin" || route.name === "callback") return "Sign in";
  return "Page not found";
}
