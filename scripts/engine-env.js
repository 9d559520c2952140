// The one place that sets the environment for every engine run this project makes (tests, `npm start`,
// examples, benchmarks): the engine on PATH, a file:// backend and an isolated PULUMI_HOME inside
// directories the project owns, a passphrase for local secrets, no update check, no plugin downloads.
//
//   const { engineEnv } = require("./scripts/engine-env");   // from Node
//   eval "$(node scripts/engine-env.js)"                     // from bash: prints `export K=V` lines
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const repo = path.resolve(__dirname, "..");

/** The directory holding `pulumi` (a user's install or the project's build); runs scripts/engine once. */
let cachedBin;
function engineBin() {
    if (process.env.PULUMI_HEYGEN_ENGINE_BIN) return process.env.PULUMI_HEYGEN_ENGINE_BIN;
    if (!cachedBin) {
        cachedBin = execFileSync("bash", [path.join(__dirname, "engine")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
    }
    return cachedBin;
}

/**
 * @param {{ stateDir?: string, homeDir?: string }} [opts] where state and PULUMI_HOME live (default:
 *   PULUMI_HEYGEN_STATE_DIR and PULUMI_HEYGEN_HOME, else .pulumi-state/ and .pulumi-home/ in the repo)
 * @returns {Record<string, string>} the variables to add to the environment of an engine run
 */
function engineEnv(opts = {}) {
    const stateDir = path.resolve(opts.stateDir ?? process.env.PULUMI_HEYGEN_STATE_DIR ?? path.join(repo, ".pulumi-state"));
    const homeDir = path.resolve(opts.homeDir ?? process.env.PULUMI_HEYGEN_HOME ?? path.join(repo, ".pulumi-home"));
    fs.mkdirSync(stateDir, { recursive: true });
    fs.mkdirSync(homeDir, { recursive: true });
    const bin = engineBin();
    return {
        PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_HEYGEN_ENGINE_BIN: bin,
        // metadata=skip: no `<stack>.json.attrs` sidecar files. The file backend (gocloud fileblob) rewrites
        // that sidecar in place, so a `pulumi` killed mid-checkpoint can leave it empty, and every later
        // command fails with "failed to load checkpoint: EOF" (seen in tests/e2e/chaos.test.ts).
        PULUMI_BACKEND_URL: `file://${stateDir}?metadata=skip`,
        PULUMI_HOME: homeDir,
        // Local state only: the passphrase protects secrets in the file backend. Set your own to override.
        PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "pulumi-heygen-local",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
    };
}

module.exports = { engineEnv, engineBin, repo };

if (require.main === module) {
    const quote = (v) => `'${String(v).replace(/'/g, `'\\''`)}'`;
    for (const [k, v] of Object.entries(engineEnv())) process.stdout.write(`export ${k}=${quote(v)}\n`);
}
