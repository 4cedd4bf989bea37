import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { grantMethods, grantsSection, readableRefs, withGeneratedSection, withoutGeneratedSection } from "../../scripts/docs-grants";
import { propsSection } from "../../scripts/docs-props";

describe("README grants generator", () => {
  it("lists grant*/connect methods, base class first, each once, nothing else", () => {
    class Base {
      public grantRead(): void {}
      public connect(): void {}
      public addThing(): void {}
    }
    class Block extends Base {
      public grantWrite(): void {}
      public override grantRead(): void {}
      public granted(): void {}
    }
    expect(grantMethods(Block)).toEqual(["grantRead", "connect", "grantWrite"]);
  });

  it("shows Terraform references without the logical id's hash", () => {
    expect(readableRefs("${aws_sqs_queue.Events_D32975C2.arn}/x ${aws_s3_bucket.ActivityLake_Bucket_0A1B2C3D.arn} ${data.aws_region.current.name}")).toBe(
      "${aws_sqs_queue.Events.arn}/x ${aws_s3_bucket.ActivityLake_Bucket.arn} ${data.aws_region.current.name}",
    );
  });

  it("replaces only the text between the markers, and appends the section when they are missing", () => {
    const readme = "# Queue\n\nhand-written\n\n<!-- generated:grants -->\nold\n<!-- /generated -->\n\nafter\n";
    expect(withGeneratedSection(readme, "new")).toBe("# Queue\n\nhand-written\n\n<!-- generated:grants -->\nnew\n<!-- /generated -->\n\nafter\n");
    expect(withGeneratedSection("# Queue\n\nhand-written\n", "new")).toBe("# Queue\n\nhand-written\n\n<!-- generated:grants -->\nnew\n<!-- /generated -->\n");
  });

  it("keeps two generated sections apart: props goes before grants, each replaced on its own, and can be removed", () => {
    const withGrants = withGeneratedSection("# Queue\n", "G1");
    const both = withGeneratedSection(withGrants, "P1", "props", "grants");
    expect(both).toBe("# Queue\n\n<!-- generated:props -->\nP1\n<!-- /generated -->\n\n<!-- generated:grants -->\nG1\n<!-- /generated -->\n");
    expect(withGeneratedSection(both, "G2")).toContain("<!-- generated:props -->\nP1\n<!-- /generated -->\n\n<!-- generated:grants -->\nG2\n");
    expect(withoutGeneratedSection(both, "props")).toBe(withGrants);
  });

  it("builds the props table from the TSDoc of <Class>Props: required first, @default, escaped pipes", () => {
    const dir = mkdtempSync(join(tmpdir(), "docs-props-"));
    try {
      const file = join(dir, "index.ts");
      writeFileSync(
        file,
        [
          "export interface WidgetProps {",
          "  /** Size, 1-10. @default 3 */",
          "  readonly size?: number;",
          "  /** Logical name. */",
          "  readonly name: string;",
          "  /** Where to go. @default none */",
          "  readonly target?: string | false;",
          "}",
          "export interface OtherProps { readonly x: string }",
          "export class Widget {}",
        ].join("\n"),
      );
      expect(propsSection(file)).toBe(
        [
          "## Props (generated)",
          "",
          "From the TSDoc of the props interface (`npm run docs`); required props first, then as declared.",
          "",
          "### `WidgetProps`",
          "",
          "| Prop | Type | Default | Description |",
          "| --- | --- | --- | --- |",
          "| `name` | `string` | required | Logical name. |",
          "| `size?` | `number` | 3 | Size, 1-10. |",
          "| `target?` | `string \\| false` | none | Where to go. |",
        ].join("\n"),
      );
      writeFileSync(file, "export interface NoClassProps { readonly x: string }\n");
      expect(propsSection(file)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records each call's statements and environment variables from a synthesized stack", () => {
    const section = grantsSection("queue");
    expect(section).toContain('| `.connect(grantee, "send")` | `sqs:GetQueueAttributes`, `sqs:GetQueueUrl`, `sqs:SendMessage` | `${aws_sqs_queue.Events.arn}` |');
    expect(section).toContain("| ″ | env `EVENTS_QUEUE_URL` | `${aws_sqs_queue.Events.url}` | |");
    expect(section).toMatch(/With a customer-managed key[\s\S]*\| ″ \| `kms:Decrypt`, `kms:Encrypt`, `kms:GenerateDataKey` \| `\$\{aws_kms_key.Key.arn\}` \|/);
  });

  it("refuses a block whose classes have grant methods but no entry, naming the fix", () => {
    expect(() => grantsSection("new-block", [{ name: "Thing", methods: ["grantRead"] }])).toThrow(/Thing\.grantRead in modules\/new-block.*Fix: add "new-block" to GRANTED_BLOCKS/);
    expect(grantsSection("new-block", [])).toContain("grants nothing to other principals");
  });
});
