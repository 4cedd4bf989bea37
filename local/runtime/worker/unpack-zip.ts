import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, parse, relative, resolve, sep } from "node:path";
import { unzipSync } from "fflate";

/** Whether `dir` is `base` or a folder above it. */
function isSameOrAncestor(dir: string, base: string): boolean {
  const rel = relative(dir, base);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * Unpacks a deployment zip into destDir (created; emptied first) and returns destDir (absolute). Every entry is
 * checked before anything is written: an entry that would land outside destDir (`../x`, `/etc/x`: "zip slip")
 * rejects the whole zip. Refuses a destDir that is the file system root or holds the current folder, which
 * emptying would wipe. Files are written 0644 (a deployment zip's modes and symlinks are not kept).
 */
export function unpackZip(zipPath: string, destDir: string): string {
  const root = resolve(destDir);
  if (root === parse(root).root || isSameOrAncestor(root, process.cwd())) {
    throw new Error(`unpackZip: refusing to empty ${root} (it is the file system root or holds the current folder ${process.cwd()})`);
  }
  const entries = unzipSync(readFileSync(zipPath));
  const files: Array<{ path: string; contents: Uint8Array }> = [];
  const folders: string[] = [];
  for (const [name, contents] of Object.entries(entries)) {
    const target = resolve(root, name);
    if (isAbsolute(name) || (target !== root && !target.startsWith(root + sep))) {
      throw new Error(`unpackZip: ${zipPath} has an entry outside the destination folder: "${name}"`);
    }
    if (name.endsWith("/")) folders.push(target);
    else files.push({ path: target, contents });
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  for (const folder of folders) mkdirSync(folder, { recursive: true });
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents, { mode: 0o644 });
  }
  return root;
}
