// ESLint (flat config): typescript-eslint's `recommended` set, without type information so that a lint of the
// whole repository stays fast (`npm run lint`), plus a few rules that catch real bugs rather than style.
// Formatting is Prettier's job (.prettierrc.json, `prettier --check` in `npm run lint`); no formatting rule here.
import js from "@eslint/js";
import comments from "@eslint-community/eslint-plugin-eslint-comments/configs";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    // Generated output and third-party code: never linted.
    ignores: [
      "**/node_modules/**",
      "dist/**",
      "web/dist/**",
      "cdktf.out/**",
      "coverage/**",
      "test-results/**",
      "docs/api/**",
      "**/.terraform/**",
      ".terraform-cli/**",
      ".tfwork/**",
      ".bundle-cache/**",
      ".local/**",
      ".scratch/**",
      ".cdktn-migrate/**",
    ],
  },
  {
    // An eslint-disable comment that no longer suppresses anything is reported (and fails the lint).
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  comments.recommended,
  {
    rules: {
      // Every eslint-disable comment says why: `// eslint-disable-next-line rule -- reason`.
      "@eslint-community/eslint-comments/require-description": ["error", { ignore: [] }],
      // Unused code is already a compile error (tsconfig noUnusedLocals/noUnusedParameters); `_`-prefixed names
      // are the deliberate exceptions (a handler's unused context, a destructured field left out on purpose).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // Bugs rather than style:
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-self-compare": "error",
      // Not "no-template-curly-in-string": "${aws_x.y.arn}" in a plain string is a Terraform interpolation here, on purpose.
      "no-unmodified-loop-condition": "error",
      "no-constructor-return": "error",
      "no-unreachable-loop": "error",
      "array-callback-return": ["error", { checkForEach: false }],
      "no-return-assign": ["error", "except-parens"],
      "no-throw-literal": "error",
    },
  },
  {
    // Plain JavaScript (build helpers, jest config and transforms): CommonJS on Node.
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: Object.fromEntries(
        [
          "require",
          "module",
          "exports",
          "__dirname",
          "__filename",
          "process",
          "console",
          "Buffer",
          "setTimeout",
          "clearTimeout",
          "setImmediate",
          "clearImmediate",
          "setInterval",
          "clearInterval",
          "URL",
          "queueMicrotask",
        ].map((g) => [g, "readonly"]),
      ),
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // CloudFront Functions (cloudfront-js-2.0): a script whose top-level `function handler(event)` the runtime calls.
    files: ["modules/cdn/functions/*.js"],
    languageOptions: { sourceType: "script" },
    rules: { "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^handler$" }] },
  },
  {
    // Tests and their support code read untyped JSON (synthesized Terraform, `terraform show -json`, AWS responses)
    // and poke at internals on purpose: `any` there is the honest type, and a non-null assertion states what the
    // test has just checked.
    files: ["test/**/*.ts", "**/*.test.ts", "**/*.test.tsx"],
    // `require` inside jest.isolateModules loads a fresh copy of a module after the test has set its environment.
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off", "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The plan review reads `terraform show -json` and synthesized cdk.tf.json: schemaless JSON documents whose shape
    // is the provider's, walked generically; `any` is their honest type (typing them would be a second provider schema).
    // The same for the local runtime's readers of terraform.tfstate and of request bodies, and the chaos campaign's rows.
    files: [
      "plan/**/*.ts",
      "lib/terraform-json.ts",
      "local/runtime/deployment.ts",
      "local/runtime/dynamodb-metadata.ts",
      "local/runtime/http-api/test-harness.ts",
      "scripts/chaos/**/*.ts",
    ],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
