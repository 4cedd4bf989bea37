import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import { ApiClient } from "../api/client";
import { emailOf, type Tokens } from "../auth/tokens";
import type { Session } from "../auth/session";
import type { WebConfig } from "../config";
import { NAV, Route, matchRoute, safeReturnTo, titleOf } from "../router";
import { AccountScreen } from "./AccountScreen";
import { ActivityScreen } from "./ActivityScreen";
import { FilesScreen } from "./FilesScreen";
import { Heading } from "./Heading";
import { Notices } from "./Notices";
import { ProfileScreen } from "./ProfileScreen";
import { SignIn } from "./SignIn";
import { Notice, ScreenProps, messageOf } from "./context";

/** What differs between the hosted UI and password modes, from the app's point of view. */
export interface AuthFlow {
  /** Hosted UI: redirects to the user pool's domain (never returns). */
  startHostedSignIn(returnTo: string): Promise<void>;
  /** Hosted UI: `/auth/callback`; resolves to the path to continue at. */
  completeHostedSignIn(search: string): Promise<string>;
  /** Where the browser goes after the tokens are dropped (hosted UI: Cognito's logout), or undefined to stay. */
  logoutRedirect(): string | undefined;
}

export interface AppProps {
  readonly config: WebConfig;
  readonly session: Session;
  readonly auth: AuthFlow;
}

export function App({ config, session, auth }: AppProps) {
  const [route, setRoute] = useState<Route>(() => matchRoute(location.pathname));
  const [tokens, setTokens] = useState<Tokens | undefined>(session.current);
  const [notice, setNotice] = useState<Notice>();
  const notify = useCallback((n: Notice | undefined) => setNotice(n), []);

  const navigate = useCallback((path: string, replace = false) => {
    if (replace) history.replaceState(null, "", path);
    else if (path !== location.pathname) history.pushState(null, "", path);
    setNotice(undefined);
    setRoute(matchRoute(path));
  }, []);

  useEffect(() => {
    const onPop = (): void => {
      setNotice(undefined);
      setRoute(matchRoute(location.pathname));
    };
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);

  useEffect(
    () =>
      session.subscribe((t, reason) => {
        setTokens(t);
        if (t === undefined && reason !== undefined) setNotice({ kind: "error", message: reason });
      }),
    [session],
  );

  const signedIn = tokens !== undefined;
  useEffect(() => {
    document.title = `${signedIn || !route.protected ? titleOf(route) : "Sign in"} · Platform`;
  }, [route, signedIn]);

  const api = useMemo(
    () =>
      new ApiClient({
        baseUrl: config.apiBaseUrl,
        token: () => session.freshIdToken(),
        onUnauthorized: () => session.signOut("Your session has ended. Sign in again."),
      }),
    [config, session],
  );

  const signOut = useCallback(() => {
    session.signOut();
    const redirect = auth.logoutRedirect();
    if (redirect !== undefined) location.assign(redirect);
    else {
      navigate("/signin");
      setNotice({ kind: "success", message: "You are signed out." });
    }
  }, [session, auth, navigate]);

  // Hosted UI's return: exchange the code, then continue where the sign-in started.
  useEffect(() => {
    if (route.name !== "callback") return;
    auth
      .completeHostedSignIn(location.search)
      .then((returnTo) => navigate(safeReturnTo(returnTo), true))
      .catch((err: unknown) => {
        navigate("/signin", true);
        setNotice({ kind: "error", message: messageOf(err) });
      });
  }, [route, auth, navigate]);

  // Already signed in: /signin goes to the profile.
  useEffect(() => {
    if (signedIn && route.name === "signin") navigate("/profile", true);
  }, [signedIn, route, navigate]);

  const onLinkClick = (e: MouseEvent): void => {
    const a = (e.target as Element).closest("a");
    if (a === null || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const href = a.getAttribute("href");
    if (href === null || !href.startsWith("/") || href.startsWith("//")) return;
    e.preventDefault();
    navigate(href);
  };

  const props: ScreenProps = { api, config, notify, navigate, signOut };
  let screen;
  if (route.name === "callback") {
    screen = (
      <section aria-labelledby="main-heading">
        <Heading>Signing in…</Heading>
        <p>Completing the sign-in.</p>
      </section>
    );
  } else if (route.name === "not-found") {
    screen = (
      <section aria-labelledby="main-heading">
        <Heading>Page not found</Heading>
        <p>
          There is no page at {route.path}. Go to <a href="/profile">your profile</a>.
        </p>
      </section>
    );
  } else if (!signedIn || route.name === "signin") {
    screen = (
      <SignIn
        config={config}
        onSignedIn={(t) => {
          session.signIn(t);
          if (route.name === "signin") navigate("/profile", true);
          else setNotice(undefined);
        }}
        onHostedSignIn={() => auth.startHostedSignIn(route.protected ? route.path : "/profile")}
        notify={(message) => setNotice(message === undefined ? undefined : { kind: "error", message })}
      />
    );
  } else if (route.name === "profile") screen = <ProfileScreen {...props} />;
  else if (route.name === "files") screen = <FilesScreen {...props} />;
  else if (route.name === "activity") screen = <ActivityScreen {...props} />;
  else screen = <AccountScreen {...props} />;

  const email = tokens ? emailOf(tokens) : undefined;
  return (
    <div class="app" onClick={onLinkClick}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="banner">
        <a class="brand" href="/profile">
          Platform
        </a>
        {signedIn && (
          <div class="who">
            <span>Signed in as {email ?? "you"}</span>
            <button type="button" class="secondary" onClick={signOut}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {signedIn && (
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.name}>
                <a href={item.path} aria-current={route.name === item.name ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main">
        <Notices notice={notice} onDismiss={() => setNotice(undefined)} />
        {screen}
      </main>
      <footer>
        <p>Tokens are kept in memory only: reloading the page signs you out.</p>
      </footer>
    </div>
  );
}

/** Shown instead of the app when /config.json is missing or wrong. */
export function ConfigError({ problems }: { problems: readonly string[] }) {
  return (
    <main id="main">
      <div role="alert" class="notice notice-error">
        <h1>The app is not configured correctly</h1>
        <p>/config.json could not be used:</p>
        <ul>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        <p>Operators: redeploy the environment (the stack writes config.json), or restart npm start locally.</p>
      </div>
    </main>
  );
}
