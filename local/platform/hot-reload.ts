/**
 * The dev loop: a change under lambdas/ re-bundles the handlers whose inputs changed (one esbuild run; unchanged
 * bundles are reused from the cache) and restarts only the workers of the functions whose bundle changed, without a
 * redeploy. The deployed package comes back with the next deploy.
 */
import { watch, FSWatcher } from "node:fs";
import { join } from "node:path";
import { bundleAll, clearBundleMemo, bundle, BundlingOptions } from "../../modules/lambda-function/bundle";
import { HANDLERS, PlatformStack } from "../../stacks/platform-stack";
import type { FunctionRegistry } from "../runtime/functions";
import type { RuntimeLog } from "../runtime/types";

export interface HotReload {
  /** Resolves after the next reload that restarted at least one function (for tests and the bench), with its names. */
  nextReload(): Promise<{ functions: string[]; ms: number }>;
  /** Re-bundles now (as a file change does) and returns what was restarted. */
  reload(): Promise<{ functions: string[]; ms: number }>;
  close(): void;
}

const LAMBDAS = join(__dirname, "..", "..", "lambdas");

export function watchHandlers(stack: PlatformStack, registry: FunctionRegistry, log: RuntimeLog): HotReload {
  const handlers = Object.values(HANDLERS) as Array<{ entry: string; bundling?: BundlingOptions }>;
  // The physical name as written into the stack (fn.name is a reference to the deployed attribute).
  const functions = stack.functions.map((fn) => ({ name: String(fn.resource.functionNameInput), entry: fn.bundle.entry, hash: fn.bundle.hash }));
  const waiters: Array<(r: { functions: string[]; ms: number }) => void> = [];
  let running: Promise<{ functions: string[]; ms: number }> = Promise.resolve({ functions: [], ms: 0 });

  const reload = (): Promise<{ functions: string[]; ms: number }> => {
    running = running.then(async () => {
      const start = Date.now();
      clearBundleMemo();
      try {
        bundleAll(handlers.map((h) => ({ entry: h.entry, options: h.bundling })));
      } catch (err) {
        log.error(`hot reload: bundling failed, workers keep the previous code: ${err instanceof Error ? err.message : String(err)}`);
        return { functions: [], ms: Date.now() - start };
      }
      const changed: string[] = [];
      for (const fn of functions) {
        const h = handlers.find((x) => x.entry === fn.entry);
        const b = bundle(fn.entry, h?.bundling);
        if (b.hash === fn.hash) continue;
        try {
          await registry.hotSwap(fn.name, b.directory);
          fn.hash = b.hash;
          changed.push(fn.name);
        } catch (err) {
          log.error(`hot reload: ${fn.name} keeps its previous code: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      const result = { functions: changed, ms: Date.now() - start };
      if (changed.length > 0) {
        log.info(`hot reload: ${changed.join(", ")} restarted with new code in ${result.ms} ms`);
        for (const w of waiters.splice(0)) w(result);
      }
      return result;
    });
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(LAMBDAS, { recursive: true }, (_event, file) => {
    if (file === null || !/\.(ts|js|json|sql)$/.test(file) || /\.test\.ts$/.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), 50);
  });
  return {
    nextReload: () => new Promise((r) => waiters.push(r)),
    reload,
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
