/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>"],
  testMatch: ["**/*.test.ts", "**/*.test.tsx"],
  // .cdktn-migrate: the app copied onto cdktn by `npm run migrate:cdktn` (its own node_modules); .scratch: build output
  testPathIgnorePatterns: ["/node_modules/", "/cdktf.out/", "/dist/", "/.tfwork/", "/.local/", "/.cdktn-migrate/", "/.scratch/"],
  modulePathIgnorePatterns: ["<rootDir>/.cdktn-migrate/", "<rootDir>/.scratch/"],
  moduleFileExtensions: ["js", "mjs", "cjs", "jsx", "ts", "tsx", "json", "node", "sql"],
  transform: {
    // .sql migrations import as text (esbuild's text loader in the bundles)
    "^.+\\.sql$": "<rootDir>/test/support/text-transform.js",
    // jose ships ES modules only: compiled to CommonJS for the tests like the TypeScript sources.
    "node_modules/jose/.+\\.js$": ["@swc/jest", { module: { type: "commonjs" } }],
    // preact (the web app's view library) ships ES modules (.mjs) only: the same, for web/src tests that import it.
    "node_modules/preact/.+\\.m?js$": ["@swc/jest", { module: { type: "commonjs" } }],
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
    // web/src/**/*.tsx: JSX for Preact (automatic runtime, preact/jsx-runtime), as esbuild builds it (web/build.ts).
    "^.+\\.tsx$": [
      "@swc/jest",
      {
        jsc: { target: "es2022", parser: { syntax: "typescript", tsx: true }, transform: { react: { runtime: "automatic", importSource: "preact" } } },
        module: { type: "commonjs" },
      },
    ],
  },
  transformIgnorePatterns: ["/node_modules/(?!(jose|preact)/)"],
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
  testTimeout: 120000,
};
