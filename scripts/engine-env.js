// The one place that sets the environment for every engine run this project makes (tests, `npm start`,
// examples, benchmarks): the engine on PATH, a file:// backend and an isolated PULUMI_HOME inside
// directories the project owns, no update check, no plugin downloads. Nothing here skips confirmations.
// Secrets are encrypted with YOUR passphrase (PULUMI_CONFIG_PASSPHRASE, or a secrets provider of your
// own); only the emulator demo stacks (`demo: true`, `--demo`) fall back to a published one.
//
//   const { engineEnv } = require("./scripts/engine-env");   // from Node
//   eval "$(node scripts/engine-env.js)"                     // from bash: prints `export K=V` lines
//   eval "$(node scripts/engine-env.js --demo)"              // the same, for the emulator demo stacks
"use strict";
const { execFileSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const repo = path.resolve(__dirname, "..");

/**
 * The passphrase of the emulator demo stacks when the user has none of their own. It is published here,
 * so it protects nothing: the provider refuses it for any API that is not on this machine (the same
 * string is DEMO_PASSPHRASE in provider/config.ts).
 */
const DEMO_PASSPHRASE = "pulumi-heygen-local";

/** Whether the user chose a passphrase (even an empty one) or a passphrase file. */
const hasOwnPassphrase = (env = process.env) => env.PULUMI_CONFIG_PASSPHRASE !== undefined || !!env.PULUMI_CONFIG_PASSPHRASE_FILE;

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
 * @param {{ stateDir?: string, homeDir?: string, demo?: boolean }} [opts] where state and PULUMI_HOME live
 *   (default: PULUMI_HEYGEN_STATE_DIR and PULUMI_HEYGEN_HOME, else .pulumi-state/ and .pulumi-home/ in the
 *   repo); `demo`: a run on the emulator, which may use the demo passphrase when the user has none
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
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        ...(opts.demo && !hasOwnPassphrase() ? { PULUMI_CONFIG_PASSPHRASE: DEMO_PASSPHRASE } : {}),
    };
}

module.exports = { engineEnv, engineBin, repo, DEMO_PASSPHRASE, hasOwnPassphrase };

if (require.main === module) {
    const demo = process.argv.includes("--demo");
    const quote = (v) => `'${String(v).replace(/'/g, `'\\''`)}'`;
    for (const [k, v] of Object.entries(engineEnv({ demo }))) process.stdout.write(`export ${k}=${quote(v)}\n`);
    if (!hasOwnPassphrase()) {
        process.stderr.write(demo
            ? "engine-env: PULUMI_CONFIG_PASSPHRASE is the demo passphrase: for the emulator stacks only (the provider refuses it for a real API)\n"
            : "engine-env: PULUMI_CONFIG_PASSPHRASE is not set: set your own (`export PULUMI_CONFIG_PASSPHRASE=...`), or use --demo for the emulator demo stacks\n");
    }
}
