// The generated documentation is current: the props and grants sections of every module README (scripts/docs-props.ts,
// scripts/docs-grants.ts) and the typedoc API reference in docs/api/ (typedoc runs only when its inputs changed, see
// scripts/docs.ts); every module has a README whose links resolve and whose examples type-check against the package's
// public face.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as ts from "typescript";
import { moduleBlocks, ROOT, staleApiDocs, staleReadmes } from "../../scripts/docs";

const readme = (block: string): string => readFileSync(join(ROOT, "modules", block, "README.md"), "utf8");

describe("module documentation", () => {
  it("has a README.md in every module folder", () => {
    const missing = moduleBlocks().filter((b) => !existsSync(join(ROOT, "modules", b, "README.md")));
    expect(missing).toEqual([]);
  });

  it("has README props and grants sections that match the code (else: run npm run docs)", () => {
    expect(staleReadmes()).toEqual([]);
  });

  it("has an API reference in docs/api that matches the code (else: run npm run docs)", () => {
    expect(staleApiDocs()).toEqual([]);
  }, 300_000);

  it("links only to files that exist", () => {
    const broken: string[] = [];
    for (const block of moduleBlocks()) {
      const dir = join(ROOT, "modules", block);
      for (const m of readme(block).matchAll(/\]\((\.{1,2}\/[^)#\s]+)(#[^)]*)?\)/g)) {
        if (!existsSync(resolve(dir, m[1]))) broken.push(`modules/${block}/README.md → ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("has a minimal example in each README that type-checks against @platform/serverless/modules", () => {
    const examples = new Map<string, string>();
    for (const block of moduleBlocks()) {
      const blocks = [...readme(block).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
      if (blocks.length === 0) throw new Error(`modules/${block}/README.md has no \`\`\`ts example`);
      blocks.forEach((code, i) => examples.set(join(ROOT, "modules", block, `README.example-${i + 1}.ts`), code));
    }
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      esModuleInterop: true,
      resolveJsonModule: true,
      types: ["node"],
      baseUrl: ROOT,
      paths: { "@platform/serverless/modules": ["modules/index.ts"] },
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (f) => examples.get(resolve(f)) ?? readFile(f);
    host.fileExists = (f) => examples.has(resolve(f)) || fileExists(f);
    host.getSourceFile = (f, lang, ...rest) => {
      const text = examples.get(resolve(f));
      return text !== undefined ? ts.createSourceFile(f, text, lang, true) : getSourceFile(f, lang, ...rest);
    };
    const program = ts.createProgram([...examples.keys()], options, host);
    const problems = [...examples.keys()].flatMap((file) => {
      const sf = program.getSourceFile(file)!;
      return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) => {
        const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${dirname(file).slice(ROOT.length + 1)}/README.md example line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    });
    expect(problems).toEqual([]);
  }, 300_000);
});
