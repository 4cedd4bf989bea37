// The committed public API report (api/serverless.api.md) is the API of the code as it is: api-extractor over the
// declarations of modules/index.ts. A stale report fails here with what changed; npm run api:report rewrites it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateReport, packageVersion, recordedVersion, REPORT_PATH, ROOT, VERSION_PATH } from "../../scripts/api-report";
import { classifyApiChange, parseSemVer, renderApiChange } from "../../scripts/api-report-diff";

describe("public API report", () => {
  it("matches the public API of the code (else: run npm run api:report)", () => {
    const committed = readFileSync(join(ROOT, REPORT_PATH), "utf8");
    const fresh = generateReport(ROOT, () => undefined);
    const change = classifyApiChange(committed, fresh);
    expect({ stale: committed !== fresh, change: renderApiChange(change) }).toEqual({ stale: false, change: "No change to the public API report." });
  }, 300_000);

  it("was recorded with a version package.json has not gone below", () => {
    const key = (v: string): number[] => Object.values(parseSemVer(v));
    const [recorded, current] = [key(recordedVersion(readFileSync(join(ROOT, VERSION_PATH), "utf8"))), key(packageVersion())];
    const order = recorded.map((n, i) => n - current[i]).find((d) => d !== 0) ?? 0;
    expect(order).toBeLessThanOrEqual(0);
  });
});
