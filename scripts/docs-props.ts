// The props table of each module's README, read from the TSDoc of `<Class>Props` in modules/<block>/index.ts with the
// TypeScript parser (one file, no type checker: milliseconds, so the README check never waits for typedoc).
import { readFileSync } from "node:fs";
import * as ts from "typescript";

export interface PropRow {
  readonly name: string;
  readonly optional: boolean;
  readonly type: string;
  readonly defaultValue?: string;
  readonly description: string;
}

export interface PropsTable {
  readonly interfaceName: string;
  readonly extendsText?: string;
  readonly rows: readonly PropRow[];
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, " ").trim();

function jsDocOf(node: ts.Node): { text: string; tags: Map<string, string> } {
  const tags = new Map<string, string>();
  let text = "";
  for (const doc of (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? []) {
    text = oneLine(ts.getTextOfJSDocComment(doc.comment) ?? "");
    for (const tag of doc.tags ?? []) tags.set(tag.tagName.text, oneLine(ts.getTextOfJSDocComment(tag.comment) ?? ""));
  }
  return { text, tags };
}

/** `<Class>Props` of every exported class of a module file that has one, in file order. */
export function propsTables(file: string): PropsTable[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const exported = (n: ts.Node): boolean => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const classes = source.statements.filter((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && exported(s) && s.name !== undefined).map((c) => c.name!.text);
  const interfaces = new Map(source.statements.filter((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && exported(s)).map((i) => [i.name.text, i] as const));
  const out: PropsTable[] = [];
  for (const cls of classes) {
    const decl = interfaces.get(`${cls}Props`);
    if (!decl) continue;
    const rows: PropRow[] = [];
    for (const m of decl.members) {
      if (!ts.isPropertySignature(m) || !m.name) continue;
      const doc = jsDocOf(m);
      rows.push({
        name: m.name.getText(source),
        optional: m.questionToken !== undefined,
        type: m.type ? oneLine(m.type.getText(source)) : "unknown",
        defaultValue: doc.tags.get("default"),
        description: [doc.text, doc.tags.has("deprecated") ? `**Deprecated**: ${doc.tags.get("deprecated")}` : ""].filter(Boolean).join(" "),
      });
    }
    const heritage = decl.heritageClauses?.map((h) => oneLine(h.getText(source))).join(" ");
    out.push({ interfaceName: decl.name.text, extendsText: heritage, rows });
  }
  return out;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|");

/** The Markdown of a block's generated props section (without the markers); undefined when it has no Props. */
export function propsSection(file: string): string | undefined {
  const tables = propsTables(file);
  if (tables.length === 0) return undefined;
  const out: string[] = ["## Props (generated)", "", "From the TSDoc of the props interface (`npm run docs`); required props first, then as declared."];
  for (const t of tables) {
    out.push("", `### \`${t.interfaceName}\`${t.extendsText ? ` (${t.extendsText})` : ""}`, "", "| Prop | Type | Default | Description |", "| --- | --- | --- | --- |");
    const rows = [...t.rows.filter((r) => !r.optional), ...t.rows.filter((r) => r.optional)];
    for (const r of rows) {
      const def = r.optional ? (r.defaultValue ? cell(r.defaultValue) : "—") : "required";
      out.push(`| \`${r.name}${r.optional ? "?" : ""}\` | \`${cell(r.type)}\` | ${def} | ${cell(r.description)} |`);
    }
  }
  return out.join("\n");
}
