import { decideMode, hasCredentials } from "../../plan/run";
import { parseArgs } from "../../scripts/plan";

describe("parseArgs", () => {
  it("defaults: every environment, Markdown, offline decided by credentials, no failing on stateful destroys", () => {
    expect(parseArgs([])).toEqual({ envs: "all", format: "md", failOnStatefulDestroy: false, offline: false, keepWorkdir: false, help: false });
  });

  it("reads every option, with values as separate words or after =", () => {
    expect(
      parseArgs([
        "--env",
        "dev",
        "--env=staging,prod",
        "--base",
        "origin/main",
        "--format=json",
        "--out",
        "plan.json",
        "--fail-on-stateful-destroy",
        "--offline",
        "--concurrency",
        "1",
      ]),
    ).toEqual({
      envs: ["dev", "staging", "prod"],
      base: "origin/main",
      format: "json",
      out: "plan.json",
      failOnStatefulDestroy: true,
      offline: true,
      concurrency: 1,
      keepWorkdir: false,
      help: false,
    });
    expect(parseArgs(["--env", "all"]).envs).toBe("all");
    expect(parseArgs(["--out", "r.md", "--json-out", "r.json", "--max-chars", "20000"])).toMatchObject({ out: "r.md", jsonOut: "r.json", maxChars: 20000 });
  });

  it("rejects unknown options, missing values and bad formats with the usage", () => {
    expect(() => parseArgs(["--nope"])).toThrow(/unknown option --nope[\s\S]*Usage/);
    expect(() => parseArgs(["--base"])).toThrow(/--base needs a value/);
    expect(() => parseArgs(["--base", "--offline"])).toThrow(/--base needs a value/);
    expect(() => parseArgs(["--format", "html"])).toThrow(/expected md or json/);
  });
});

describe("mode", () => {
  it("is online only with credentials in the environment and without --offline", () => {
    expect(hasCredentials({})).toBe(false);
    for (const v of ["AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"]) expect(hasCredentials({ [v]: "x" })).toBe(true);
    expect(decideMode({ env: { AWS_PROFILE: "ci" } })).toBe("online");
    expect(decideMode({ env: { AWS_PROFILE: "ci" }, offline: true })).toBe("offline");
    expect(decideMode({ env: {} })).toBe("offline");
  });
});
