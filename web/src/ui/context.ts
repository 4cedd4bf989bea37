/** What every screen gets from the app: the API client and the alert region. */
import type { ApiClient } from "../api/client";
import type { WebConfig } from "../config";

export interface Notice {
  readonly kind: "error" | "success";
  readonly message: string;
  /** An action offered with the message (e.g. "Reload" on a 412). */
  readonly action?: { readonly label: string; readonly run: () => void };
}

export interface ScreenProps {
  readonly api: ApiClient;
  readonly config: WebConfig;
  /** Shows an error (role="alert") or a success message (role="status"); undefined clears it. */
  readonly notify: (notice: Notice | undefined) => void;
  readonly navigate: (path: string) => void;
  readonly signOut: () => void;
}

/** The message of anything thrown, for the alert region. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
