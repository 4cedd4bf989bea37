/**
 * Entry point: load and validate /config.json, set up the session for the configured sign-in mode, render the app.
 */
import { render } from "preact";
import { completeSignIn, beginSignIn, logoutUrl, refreshHostedUi, type HostedUiContext } from "./auth/hosted-ui";
import { passwordRefresh } from "./auth/password";
import { Session } from "./auth/session";
import { loadWebConfig, type WebConfig } from "./config";
import { App, ConfigError, type AuthFlow } from "./ui/App";
import "./styles.css";

function authFor(config: WebConfig): { session: Session; flow: AuthFlow } {
  const auth = config.auth;
  if (auth.mode === "password") {
    const endpoint = auth.cognitoEndpoint;
    const session = new Session((refreshToken) => passwordRefresh(endpoint, config.userPoolClientId, refreshToken));
    const unsupported = (): never => {
      throw new Error("This environment signs in with a password form, not the hosted UI.");
    };
    return { session, flow: { startHostedSignIn: async () => unsupported(), completeHostedSignIn: async () => unsupported(), logoutRedirect: () => undefined } };
  }
  const ctx: HostedUiContext = { auth, clientId: config.userPoolClientId, origin: location.origin, storage: sessionStorage };
  const session = new Session((refreshToken) => refreshHostedUi(ctx, refreshToken));
  return {
    session,
    flow: {
      startHostedSignIn: async (returnTo) => location.assign(await beginSignIn(ctx, returnTo)),
      completeHostedSignIn: async (search) => {
        const { tokens, returnTo } = await completeSignIn(ctx, search);
        session.signIn(tokens);
        return returnTo;
      },
      logoutRedirect: () => logoutUrl(ctx),
    },
  };
}

async function start(): Promise<void> {
  const root = document.getElementById("app");
  if (root === null) throw new Error("index.html has no #app element");
  const loaded = await loadWebConfig();
  // Preact renders next to existing children: the static "Loading…" placeholder of index.html goes first.
  root.replaceChildren();
  if (!loaded.ok) {
    render(<ConfigError problems={loaded.problems} />, root);
    return;
  }
  const { session, flow } = authFor(loaded.config);
  render(<App config={loaded.config} session={session} auth={flow} />, root);
}

void start();
