// How `npm run load` loads load/processor.ts into Artillery on this machine:
// through tsx's require hook, instead of Artillery's own TypeScript bundling
// (esbuild-wasm, seconds per process, writing load/dist/ while parallel
// scenario runs read it). Distributed runs use processor.ts as config.yml says.
require("tsx/cjs/api").register();
module.exports = require("./processor.ts");
