/**
 * Offline mode internals (PLATFORM_OFFLINE=1): the static fake credentials an offline stack's provider takes, and how
 * the app reads the switch. Not part of the public barrel (modules/index.ts); import from "modules/stack/offline".
 */

/** Static fake credentials for offline plans; never valid against AWS. */
export const OFFLINE_CREDENTIALS = { accessKey: "AKIAOFFLINEPLAN00000", secretKey: "offline-plan-fake-secret-key" } as const;

/** Reads offline mode from the environment once (PLATFORM_OFFLINE=1|true). */
export function offlineFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.PLATFORM_OFFLINE ?? "").toLowerCase();
  return v === "1" || v === "true" || v === "yes";
}
