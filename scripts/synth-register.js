// Loads the app's TypeScript for a synth (cdktf.json's app, `npm run bench`): @swc-node/register with inline source
// maps only. cdktf captures a stack trace for every token it creates; with swc-node's default (source-map-support,
// when Node's own source maps are off) each of them is source-mapped, which took ~0.9 s of a 3.3 s synth of the six
// stacks (measured with `npm run bench`, 2026-11-30). A synth's error stacks then show compiled line numbers (the
// platform's errors name the module, prop and fix anyway); `SWC_NODE_SOURCE_MAP_MODE=auto` brings TypeScript's back.
if (process.env.SWC_NODE_SOURCE_MAP_MODE === undefined) process.env.SWC_NODE_SOURCE_MAP_MODE = "inline";
require("@swc-node/register");
