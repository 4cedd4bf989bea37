import { requireEnv } from "./env";

describe("requireEnv", () => {
  const name = "PLATFORM_TEST_REQUIRE_ENV";
  afterEach(() => {
    delete process.env[name];
  });

  it("returns the variable's value", () => {
    process.env[name] = "profiles-dev";
    expect(requireEnv(name)).toBe("profiles-dev");
  });

  it("throws an error naming the missing variable and the fix", () => {
    expect(() => requireEnv(name)).toThrow(`Missing required environment variable ${name}. Fix: set ${name}`);
  });

  it("treats an empty or blank value as missing", () => {
    process.env[name] = " ";
    expect(() => requireEnv(name)).toThrow(/Missing required environment variable/);
  });
});
