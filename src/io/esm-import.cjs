// Loads ESM-only packages (h5wasm/node) from CommonJS code, including code that tslab compiles in
// notebook cells, where a bare `import()` is not available. See DESIGN.md, "Notebook platform".
module.exports.esmImport = (specifier) => import(specifier);
