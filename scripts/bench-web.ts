/**
 * The web app's numbers for `npm run bench`: its size (gzip, per file, from the same build the stack uploads) and, on a
 * running local platform, the time to an interactive profile screen in chromium (page load → sign-in form, then
 * sign-in → the profile's form filled from GET /profiles/me).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { buildWebSync } from "../web/build";

/** Bytes of each built file, raw and gzip (level 9, as CloudFront's compression is at least as good). */
export function webSizes(): Array<{ file: string; bytes: number; gzipBytes: number }> {
  const built = buildWebSync();
  return built.files.map((file) => {
    const bytes = readFileSync(join(built.outDir, file));
    return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
}

export function printWebSizes(): void {
  console.log("\n## web app (web/, esbuild, minified)");
  console.log("file".padEnd(26) + "KB".padStart(8) + "gzip KB".padStart(10));
  let js = 0;
  for (const s of webSizes()) {
    if (s.file.endsWith(".js")) js += s.gzipBytes;
    console.log(s.file.padEnd(26) + (s.bytes / 1024).toFixed(1).padStart(8) + (s.gzipBytes / 1024).toFixed(1).padStart(10));
  }
  console.log(`JavaScript total: ${(js / 1024).toFixed(1)} KB gzip (target ≤ 80 KB)`);
}

export interface WebTarget {
  readonly webUrl: string;
  readonly email: string;
  readonly password: string;
}

/** Median times over `runs` fresh browser contexts (no cache), after one warm-up run. */
export async function measureTimeToProfile(target: WebTarget, runs = 5, chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"): Promise<void> {
  if (!existsSync(chromiumPath)) {
    console.log(`time to an interactive profile screen: skipped (no chromium at ${chromiumPath}; set CHROMIUM_PATH)`);
    return;
  }
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath: chromiumPath });
  const form: number[] = [];
  const profile: number[] = [];
  try {
    for (let i = 0; i <= runs; i += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(`${target.webUrl}/profile`);
      await page.getByLabel("E-mail").waitFor();
      const t1 = Date.now();
      await page.getByLabel("E-mail").fill(target.email);
      await page.getByLabel("Password").fill(target.password);
      const t2 = Date.now();
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForFunction(
        () => (globalThis as { document?: { getElementById(id: string): { value?: string } | null } }).document?.getElementById("displayName")?.value !== "",
      );
      if (i > 0) {
        form.push(t1 - t0);
        profile.push(Date.now() - t2);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  console.log(
    `time to an interactive profile screen (chromium, ${runs} fresh contexts): page load → sign-in form ${median(form)} ms, ` +
      `sign-in → profile form filled ${median(profile)} ms (median)`,
  );
}
