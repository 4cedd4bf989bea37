import { appEnvironments, buildApp } from "./app";
import { PolicyViolationError } from "./modules/policy";

// `cdktf synth|diff|deploy platform-<env>`; PLATFORM_OFFLINE=1 switches to local state and fake credentials;
// PLATFORM_LOCAL=1 adds platform-local (the emulators on this machine).
try {
  buildApp({ environments: appEnvironments() }).app.synth();
} catch (err) {
  // A policy violation is a finding to fix, not a crash: print the list (rule, address, message, fix) without a stack trace.
  if (!(err instanceof PolicyViolationError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
