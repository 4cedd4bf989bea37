// A narrow repair of cdktf's HCL output (hashicorp/terraform-cdk#3911, cdktf 0.21.0 and cdktn 0.24.0): the renderer's
// escapeQuotes (lib/hcl/render.js) returns every string that contains "${" unescaped, so a JSON document with an
// interpolation in it is written with bare quotes. Used by test/terraform/hcl.test.ts to show that this is all that
// separates the HCL synth from the JSON one.

/** Escapes a string's value for an HCL quoted string, leaving `${ ... }` interpolations (Terraform expressions) as they are. */
export function hclQuoted(value: string): string {
  let out = "";
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (depth === 0 && c === "$" && value[i + 1] === "{") {
      depth = 1;
      out += "${";
      i++;
      continue;
    }
    if (depth > 0) {
      if (c === "{") depth++;
      if (c === "}") depth--;
      out += c;
      continue;
    }
    out += c === '"' ? '\\"' : c === "\\" ? "\\\\" : c;
  }
  return out;
}

/** True when a string holds a quote or backslash outside its interpolations: cdktf writes it unescaped (the bug). */
const hasBareQuote = (value: string): boolean => hclQuoted(value) !== value;

/**
 * Re-escapes the single-line strings that cdktf's renderer left verbatim because they contain "${" (the bug above).
 * Returns the repaired HCL and the 1-based line numbers it changed.
 */
export function repairInterpolatedStrings(hcl: string): { hcl: string; lines: number[] } {
  const lines: number[] = [];
  const out = hcl.split("\n").map((line, i) => {
    const m = /^(\s*(?:[A-Za-z0-9_-]+|"[^"]*") = |\s*)"(.*)"(,?)$/.exec(line);
    if (!m || !m[2].includes("${") || !hasBareQuote(m[2])) return line;
    lines.push(i + 1);
    return `${m[1]}"${hclQuoted(m[2])}"${m[3]}`;
  });
  return { hcl: out.join("\n"), lines };
}
