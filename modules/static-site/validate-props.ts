import { existsSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { PropsValidator } from "../core/validation";
import type { StaticSiteProps } from "./index";

/** An object key as the site uses it: a relative path, no leading "/", no "." or ".." segments, no backslash. */
const KEY = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\\\s]+$/;

export function validateStaticSiteProps(path: string, props: StaticSiteProps): void {
  const v = new PropsValidator("StaticSite", path);
  const dir = props.sourceDir;
  v.check(typeof dir === "string" && isAbsolute(dir) && existsSync(dir) && statSync(dir).isDirectory(), {
    prop: "sourceDir",
    received: dir,
    allowed: "an absolute path of an existing directory (the built site)",
    fix: 'build the site first and pass its output directory, e.g. join(__dirname, "web", "dist")',
  });
  (props.files ?? []).forEach((f, i) =>
    v.string(`files[${i}]`, f, { pattern: KEY, max: 1024, describe: "a path relative to sourceDir with '/' separators, no '..'", fix: "list paths relative to sourceDir" }),
  );
  for (const key of Object.keys(props.generatedJson ?? {})) {
    v.string(`generatedJson["${key}"]`, key, { pattern: KEY, max: 1024, describe: 'an object key such as "config.json"', fix: "use a relative key without a leading '/'" });
    v.check(!(props.files ?? []).includes(key), {
      prop: `generatedJson["${key}"]`,
      received: key,
      allowed: "a key no built file has",
      fix: `remove ${key} from the build output, or generate it under another key`,
    });
  }
  v.throwIfInvalid();
}
