import { apiCheckVerdict, apiLines, classifyApiChange, renderApiChange, versionAllowsBreaking } from "../../scripts/api-report-diff";

const report = (body: string): string => `## API Report File for "@platform/serverless"\n\n\`\`\`ts\n\nimport { Construct } from 'constructs';\n\n${body}\n\`\`\`\n`;

const BASE = report(`// @public
export class Queue extends Construct {
    constructor(scope: Construct, id: string, props: QueueProps);
    readonly arn: string;
    grantSendMessages(grantee: IGrantable): void;
}

// @public (undocumented)
export interface QueueProps {
    readonly name: string;
    readonly fifo?: boolean;
}

// @public
export function physicalName(scope: IConstruct, name: string): string;`);

describe("API report classifier", () => {
  it("finds no change when only comments, imports and blank lines differ", () => {
    const other = BASE.replace("// @public (undocumented)", "// @public").replace(
      "import { Construct } from 'constructs';",
      "import { Construct } from 'constructs';\nimport { App } from 'cdktf';\n\n",
    );
    expect(classifyApiChange(BASE, other)).toEqual({ kind: "none", added: [], removed: [] });
  });

  it("calls a new export or a new optional member additive", () => {
    const added =
      BASE.replace("    readonly fifo?: boolean;", "    readonly fifo?: boolean;\n    readonly maxReceiveCount?: number;") + report("export const DEFAULT_RETENTION = 345600;");
    const change = classifyApiChange(BASE, added);
    expect(change.kind).toBe("additive");
    expect(change.added).toEqual(["interface QueueProps > readonly maxReceiveCount?: number;", "export const DEFAULT_RETENTION = 345600;"]);
    expect(change.removed).toEqual([]);
  });

  it("calls a removed export breaking", () => {
    const change = classifyApiChange(BASE, BASE.replace("export function physicalName(scope: IConstruct, name: string): string;", ""));
    expect(change.kind).toBe("breaking");
    expect(change.removed).toEqual(["export function physicalName(scope: IConstruct, name: string): string;"]);
  });

  it("calls a narrowed signature breaking (a changed line is a removed line and an added one)", () => {
    const change = classifyApiChange(BASE, BASE.replace("readonly fifo?: boolean;", "readonly fifo: boolean;"));
    expect(change.kind).toBe("breaking");
    expect(change.removed).toEqual(["interface QueueProps > readonly fifo?: boolean;"]);
    expect(change.added).toEqual(["interface QueueProps > readonly fifo: boolean;"]);
  });

  it("keys members by their declaration: a member moved to another class is a removal", () => {
    const two = report(`export class A {\n    readonly arn: string;\n}\nexport class B {\n}`);
    const moved = report(`export class A {\n}\nexport class B {\n    readonly arn: string;\n}`);
    expect(apiLines(two)).toEqual(["export class A {", "class A > readonly arn: string;", "export class B {"]);
    expect(classifyApiChange(two, moved)).toMatchObject({ kind: "breaking", removed: ["class A > readonly arn: string;"], added: ["class B > readonly arn: string;"] });
  });

  it("keeps nesting right through closers that continue a type (}>>; and }[];)", () => {
    const text = report(
      `export const SERVICES: Readonly<Record<string, {\n    readonly prefix: string;\n}>>;\nexport interface V {\n    multi?: {\n        value: string;\n    }[];\n    single: string;\n}\nexport const AFTER = 1;`,
    );
    expect(apiLines(text)).toEqual([
      "export const SERVICES: Readonly<Record<string, {",
      "const SERVICES > readonly prefix: string;",
      "const SERVICES > }>>;",
      "export interface V {",
      "interface V > multi?: {",
      "interface V > multi > value: string;",
      "interface V > multi > }[];",
      "interface V > single: string;",
      "export const AFTER = 1;",
    ]);
  });

  it("reads reports with CRLF line ends like LF ones", () => {
    expect(classifyApiChange(BASE, BASE.replace(/\n/g, "\r\n")).kind).toBe("none");
  });

  it("allows a breaking change only with a major bump (the minor part before 1.0.0)", () => {
    expect(versionAllowsBreaking("1.4.2", "2.0.0")).toBe(true);
    expect(versionAllowsBreaking("1.4.2", "1.5.0")).toBe(false);
    expect(versionAllowsBreaking("1.4.2", "1.4.2")).toBe(false);
    expect(versionAllowsBreaking("0.1.0", "0.2.0")).toBe(true);
    expect(versionAllowsBreaking("0.1.0", "0.1.5")).toBe(false);
    expect(versionAllowsBreaking("0.1.0", "1.0.0")).toBe(true);
    expect(() => versionAllowsBreaking("0.1", "1.0.0")).toThrow(/not a semantic version/);
  });

  it("fails a breaking change without a version bump, naming the version to set; passes additive and allowed ones", () => {
    const breaking = classifyApiChange(BASE, BASE.replace("    readonly arn: string;\n", ""));
    const bad = apiCheckVerdict(breaking, "0.1.0", "0.1.0");
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/breaking \(1 line\(s\) removed or changed\).*Fix:.*0\.2\.0.*CHANGELOG\.md/);
    expect(apiCheckVerdict(breaking, "1.2.0", "1.3.0").message).toMatch(/set the version to 2\.0\.0/);
    expect(apiCheckVerdict(breaking, "0.1.0", "0.2.0").ok).toBe(true);
    expect(apiCheckVerdict(classifyApiChange(BASE, BASE + report("export const X = 1;")), "0.1.0", "0.1.0")).toMatchObject({
      ok: true,
      message: expect.stringMatching(/additive/),
    });
    expect(apiCheckVerdict(classifyApiChange(BASE, BASE), "0.1.0", "0.1.0")).toEqual({ ok: true, message: "API report: no change." });
  });

  it("renders removed lines before added ones, capped", () => {
    const change = classifyApiChange(BASE, BASE.replace("readonly fifo?: boolean;", "readonly fifo: boolean;"));
    expect(renderApiChange(change)).toBe(
      "**Breaking**: 1 line(s) removed or changed, 1 added.\n\n```diff\n- interface QueueProps > readonly fifo?: boolean;\n+ interface QueueProps > readonly fifo: boolean;\n```",
    );
    expect(renderApiChange(change, 1)).toContain("… 1 more");
  });
});
