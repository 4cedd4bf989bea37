/**
 * Reads a required environment variable. Call it at module scope (cold start) so a function deployed
 * without its wiring fails on its first invocation with a message that says what to fix, instead of
 * failing later with an AWS error about an empty table name or topic ARN.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === "") {
    throw new Error(
      `Missing required environment variable ${name}. Fix: set ${name} in the function's environment ` + `(the stack sets it when it connects the resource to the function).`,
    );
  }
  return value;
}
