// Preloaded into Artillery (node --require) by load/artillery.ts.
// Artillery 2.0.21 still sends a "test run" ping to app.posthog.com when
// ARTILLERY_DISABLE_TELEMETRY is set (lib/telemetry.js, artilleryio/artillery#1767).
// Our runs talk to their target only; offline, the ping also holds every exit
// for the DNS timeout. This swaps posthog-node, for Artillery alone, for a
// client that sends nothing.
const Module = require("node:module");
const path = require("node:path");

const artillery = path.dirname(require.resolve("artillery/package.json"));
const file = require.resolve("posthog-node", { paths: [artillery] });
const silent = new Module(file);
silent.filename = file;
silent.loaded = true;
silent.exports = {
  PostHog: class {
    capture() {}
    async shutdownAsync() {}
  },
};
require.cache[file] = silent;
