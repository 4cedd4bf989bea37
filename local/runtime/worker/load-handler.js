"use strict";
/**
 * Resolves a Lambda handler string ("index.handler", "src/app.main", "index.nested.fn") to the function, with the
 * lookup rules and error types of the Node.js runtime interface client (its UserFunction.js): an extensionless file,
 * then `.js` (CommonJS unless the nearest package.json says `"type": "module"`), `.mjs`, `.cjs`, then Node's own
 * resolution from the code folder.
 */
const { existsSync, readFileSync } = require("node:fs");
const { basename, dirname, join, resolve } = require("node:path");
const { pathToFileURL } = require("node:url");
const { HandlerNotFound, ImportModuleError, MalformedHandlerName, UserCodeSyntaxError } = require("./error-response.js");

/** @param {string} file */
function requireIfExists(file) {
  return existsSync(file) ? require(file) : undefined;
}

/** @param {string} file */
async function importIfExists(file) {
  return existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

/**
 * Whether `.js` files in `folder` are ES modules: the nearest package.json decides; a node_modules folder or the
 * file system root without one means CommonJS.
 * @param {string} folder
 * @returns {boolean}
 */
function folderIsEsm(folder) {
  if (folder.endsWith("/node_modules")) return false;
  const manifest = join(folder, "package.json");
  if (existsSync(manifest)) {
    try {
      return JSON.parse(readFileSync(manifest, "utf8")).type === "module";
    } catch {
      return false;
    }
  }
  const parent = dirname(folder);
  return parent === folder ? false : folderIsEsm(parent);
}

/**
 * @param {string} appRoot the code folder (LAMBDA_TASK_ROOT)
 * @param {string} moduleRoot the handler's folder part, "" or "src/"
 * @param {string} moduleName the file name without extension
 */
async function requireUserModule(appRoot, moduleRoot, moduleName) {
  const file = resolve(appRoot, moduleRoot, moduleName);
  const extensionless = requireIfExists(file);
  if (extensionless) return extensionless;
  const esm = existsSync(`${file}.js`) && folderIsEsm(dirname(`${file}.js`));
  if (!esm) {
    const cjs = requireIfExists(`${file}.js`);
    if (cjs) return cjs;
  }
  const loaded = (esm && (await importIfExists(`${file}.js`))) || (await importIfExists(`${file}.mjs`)) || requireIfExists(`${file}.cjs`);
  if (loaded) return loaded;
  return require(require.resolve(moduleName, { paths: [appRoot, resolve(appRoot, moduleRoot)] }));
}

/**
 * Loads the handler's module (running its top-level code: the function's init) and returns the handler.
 * @param {string} appRoot
 * @param {string} fullHandler
 * @returns {Promise<Function>}
 * @throws Runtime.MalformedHandlerName, Runtime.UserCodeSyntaxError, Runtime.ImportModuleError, Runtime.HandlerNotFound,
 *   or whatever the module's top-level code throws
 */
async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes("..")) {
    throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const moduleAndHandler = basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - moduleAndHandler.length);
  const match = /^([^.]*)\.(.*)$/.exec(moduleAndHandler);
  if (match === null) throw new MalformedHandlerName("Bad handler");
  const [, moduleName, handlerPath] = match;
  let app;
  try {
    app = await requireUserModule(appRoot, moduleRoot, moduleName);
  } catch (err) {
    if (err instanceof SyntaxError) throw new UserCodeSyntaxError(String(err));
    if (err && /** @type {any} */ (err).code === "MODULE_NOT_FOUND") throw new ImportModuleError(String(err));
    throw err;
  }
  const fn = handlerPath.split(".").reduce((/** @type {any} */ value, key) => value && value[key], app);
  if (!fn) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof fn !== "function") throw new HandlerNotFound(`${fullHandler} is not a function`);
  return fn;
}

module.exports = { loadHandler };
