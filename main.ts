import { buildApp } from "./app";

// `cdktf synth|diff|deploy platform-<env>`; PLATFORM_OFFLINE=1 switches to local state and fake credentials.
buildApp().app.synth();
