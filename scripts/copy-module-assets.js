// Run by `npm run build` after tsc: copies the modules' non-TypeScript files that are read at synth into dist/ (tsc
// emits only what it compiles). Today: the CloudFront Functions of modules/cdn/functions (plain cloudfront-js-2.0
// files, deployed byte for byte). Usage: node scripts/copy-module-assets.js [outDir]  (default dist)
const { cpSync, readdirSync } = require("node:fs");
const { join, resolve } = require("node:path");

const ROOT = resolve(__dirname, "..");
const outDir = resolve(ROOT, process.argv[2] ?? "dist");
const ASSET_DIRS = ["modules/cdn/functions"];

for (const dir of ASSET_DIRS) {
  for (const name of readdirSync(join(ROOT, dir))) {
    if (name.endsWith(".js")) cpSync(join(ROOT, dir, name), join(outDir, dir, name));
  }
}
