// jest transform: a file (e.g. a .sql migration) becomes a CommonJS module exporting its text, as esbuild's
// `text` loader bundles it. Registered for .sql in jest.config.js.
module.exports = {
  process(sourceText) {
    return { code: `module.exports = ${JSON.stringify(sourceText)};` };
  },
};
