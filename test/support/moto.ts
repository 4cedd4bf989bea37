/**
 * One moto_server for the whole jest run, started by the global setup and shared by every worker through
 * MOTO_ENDPOINT. Test files share it: each creates resources under names of its own and never resets moto.
 */
import { Moto, startMoto } from "../../local/emulators/moto";

export const MOTO_ENDPOINT_ENV = "MOTO_ENDPOINT";
export const MOTO_HANDLE = Symbol.for("platform.test.moto");

/** The moto endpoint jest's global setup started. */
export function motoEndpoint(): string {
  const endpoint = process.env[MOTO_ENDPOINT_ENV];
  if (endpoint === undefined || endpoint === "") {
    throw new Error(`${MOTO_ENDPOINT_ENV} is not set. Run the tests through jest (its global setup, test/global-setup.ts, starts moto).`);
  }
  return endpoint;
}

export async function setUpMoto(): Promise<void> {
  if (process.env[MOTO_ENDPOINT_ENV]) return;
  const moto = await startMoto();
  process.env[MOTO_ENDPOINT_ENV] = moto.endpoint;
  (globalThis as Record<symbol, unknown>)[MOTO_HANDLE] = moto;
}

export async function tearDownMoto(): Promise<void> {
  const registry = globalThis as Record<symbol, unknown>;
  const moto = registry[MOTO_HANDLE] as Moto | undefined;
  if (moto === undefined) return;
  delete registry[MOTO_HANDLE];
  await moto.stop();
  delete process.env[MOTO_ENDPOINT_ENV];
}
