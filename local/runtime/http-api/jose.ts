/**
 * The jose library. jose 6 is published as ES modules only; it is loaded through Node's own
 * `require` (which loads ES modules since Node 20.19), reached with `process.getBuiltinModule` so the
 * load also works under jest, whose CommonJS module registry cannot evaluate ES modules.
 */
export type Jose = typeof import("jose");

/** The loaded jose module. */
export const jose: Jose = process.getBuiltinModule("node:module").createRequire(__filename)("jose") as Jose;
