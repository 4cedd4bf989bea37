import { useState } from "preact/hooks";
import { passwordSignIn, passwordSignUp } from "../auth/password";
import type { Tokens } from "../auth/tokens";
import type { WebConfig } from "../config";
import { Heading } from "./Heading";
import { messageOf } from "./context";

export interface SignInProps {
  readonly config: WebConfig;
  readonly onSignedIn: (tokens: Tokens) => void;
  /** Hosted-UI mode: starts the redirect to the user pool's domain. */
  readonly onHostedSignIn: () => Promise<void>;
  readonly notify: (message: string | undefined) => void;
}

/** The sign-in screen: the hosted UI's button in AWS environments, an e-mail/password form on the local platform. */
export function SignIn({ config, onSignedIn, onHostedSignIn, notify }: SignInProps) {
  const [mode, setMode] = useState<"signin" | "signup">("signin");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  if (config.auth.mode === "hosted-ui") {
    return (
      <section aria-labelledby="main-heading">
        <Heading>Sign in</Heading>
        <p>You are signed out. Sign in with your account to see your profile, files and activity.</p>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            onHostedSignIn().catch((err: unknown) => {
              setBusy(false);
              notify(messageOf(err));
            });
          }}
        >
          Sign in
        </button>
      </section>
    );
  }
  const endpoint = config.auth.cognitoEndpoint;
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    notify(undefined);
    try {
      if (mode === "signup") await passwordSignUp(endpoint, config.userPoolClientId, email.trim(), password);
      onSignedIn(await passwordSignIn(endpoint, config.userPoolClientId, email.trim(), password));
    } catch (err) {
      notify(messageOf(err));
      setBusy(false);
    }
  };
  const signup = mode === "signup";
  return (
    <section aria-labelledby="main-heading">
      <Heading key={mode}>{signup ? "Create an account" : "Sign in"}</Heading>
      <p>{signup ? "Local platform: the account is created and confirmed at once." : "You are signed out. Sign in with your e-mail and password (local platform)."}</p>
      <form onSubmit={submit} class="stack">
        <label for="email">E-mail</label>
        <input id="email" name="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete={signup ? "new-password" : "current-password"}
          required
          minLength={8}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          {signup ? "Create account and sign in" : "Sign in"}
        </button>
      </form>
      <p>
        {signup ? "Already have an account? " : "No account yet? "}
        <button
          type="button"
          class="link"
          onClick={() => {
            setMode(signup ? "signin" : "signup");
            notify(undefined);
          }}
        >
          {signup ? "Sign in instead" : "Create an account"}
        </button>
      </p>
    </section>
  );
}
