// The plan's "API report" section: what changed in the committed report since the base, from files and git only.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiReportReview } from "../../scripts/api-report";

const REPORT = (body: string): string => `## API Report File for "@platform/serverless"\n\n\`\`\`ts\n${body}\n\`\`\`\n`;

describe("apiReportReview (npm run plan)", () => {
  let repo: string;
  const git = (...args: string[]): void => {
    execFileSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "commit.gpgsign=false", ...args], { cwd: repo, stdio: "ignore" });
  };
  const write = (report: string, version: string, recorded = version): void => {
    writeFileSync(join(repo, "api", "serverless.api.md"), report);
    writeFileSync(join(repo, "api", "report-version.json"), JSON.stringify({ version: recorded }));
    writeFileSync(join(repo, "package.json"), JSON.stringify({ name: "@platform/serverless", version }));
  };

  beforeEach(() => {
    repo = mkdtempSync(join(tmpdir(), "api-review-"));
    mkdirSync(join(repo, "api"));
    git("init", "-q");
    write(REPORT("export const A = 1;\nexport const B = 2;"), "0.1.0");
    git("add", ".");
    git("commit", "-q", "-m", "base");
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  it("says unchanged when the report is the base's", () => {
    expect(apiReportReview("HEAD", repo)).toEqual({ section: "### API report\n\nUnchanged since `HEAD`.\n", ok: true });
  });

  it("flags an additive change with the added lines", () => {
    write(REPORT("export const A = 1;\nexport const B = 2;\nexport const C = 3;"), "0.1.0");
    const review = apiReportReview("HEAD", repo);
    expect(review.ok).toBe(true);
    expect(review.section).toContain("changed since `HEAD`. API report: additive (1 line(s) added)");
    expect(review.section).toContain("+ export const C = 3;");
  });

  it("flags a breaking change without a version bump as not ok, and allows it after the bump", () => {
    write(REPORT("export const A = 1;"), "0.1.0");
    const review = apiReportReview("HEAD", repo);
    expect(review.ok).toBe(false);
    expect(review.section).toMatch(/⚠️ `api\/serverless\.api\.md` changed since `HEAD`\. API report: breaking .*set the version to 0\.2\.0/);
    expect(review.section).toContain("- export const B = 2;");
    write(REPORT("export const A = 1;"), "0.2.0");
    expect(apiReportReview("HEAD", repo).ok).toBe(true);
  });
});
