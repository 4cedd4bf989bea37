/**
 * Lets scripts run under `node -r @swc-node/register` import `.sql` files as text, as esbuild's `text` loader
 * bundles them for Lambda and test/support/text-transform.js does under jest. Import it before any module that
 * imports SQL (e.g. lambdas/analytics/migrations/index.ts).
 */
import { readFileSync } from "node:fs";

const extensions = require.extensions as NodeJS.RequireExtensions;
if (extensions[".sql"] === undefined) {
  extensions[".sql"] = (module: NodeJS.Module, filename: string) => {
    module.exports = readFileSync(filename, "utf8");
  };
}
