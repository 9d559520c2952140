// `npm start`: the main job. Makes sure the engine is there, starts the local HeyGen emulator (unless a
// real key is configured), shows `pulumi preview --diff`, runs `pulumi up`, and prints what to do next.
//
//   npm start                          # stack dev, on the emulator
//   npm start -- --stack prod          # Pulumi.prod.yaml
//   HEYGEN_API_KEY=… npm start         # against HeyGen itself (or: pulumi config set --secret heygen:apiKey …)
//   npm start -- --stop-emulator       # stop the emulator afterwards (it keeps running by default, so
//                                      # the consent link keeps working)
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { parseArgs } = require("util");
const { engineEnv, repo } = require("./engine-env");

const USAGE = `Usage: npm start [-- --stack NAME] [--emulator-port N] [--stop-emulator]`;

function fail(message) {
    console.error(`\nnpm start: ${message}`);
    process.exit(1);
}

function parse() {
    try {
        return parseArgs({
            options: {
                stack: { type: "string", default: "dev" },
                "emulator-port": { type: "string", default: process.env.HEYGEN_EMULATOR_PORT ?? "4010" },
                "emulator-data": { type: "string", default: process.env.HEYGEN_EMULATOR_DATA ?? path.join(repo, ".emulator-data") },
                "stop-emulator": { type: "boolean", default: false },
                help: { type: "boolean", short: "h", default: false },
            },
        }).values;
    } catch (e) {
        fail(`${e.message}\n${USAGE}`);
    }
}

const step = (title) => console.log(`\n\x1b[1m== ${title}\x1b[0m`);

function pulumi(args, env, opts = {}) {
    const r = spawnSync("pulumi", [...args, "--non-interactive"], { cwd: repo, env, stdio: opts.capture ? ["ignore", "pipe", "pipe"] : "inherit", encoding: "utf8" });
    if (r.error) fail(`could not run pulumi: ${r.error.message}`);
    if (r.status !== 0 && !opts.allowFailure) {
        if (opts.capture) process.stderr.write(r.stderr ?? "");
        fail(`\`pulumi ${args.join(" ")}\` failed (exit ${r.status}); the output above says why`);
    }
    return r;
}

async function healthy(url) {
    try {
        const r = await fetch(`${url}/_emulator/health`, { signal: AbortSignal.timeout(1000) });
        return r.ok;
    } catch {
        return false;
    }
}

/** The emulator at the port, started in the background with a data dir when it is not running yet. */
async function ensureEmulator(port, dataDir) {
    const url = `http://127.0.0.1:${port}`;
    if (await healthy(url)) return { url, started: false };
    fs.mkdirSync(dataDir, { recursive: true });
    const log = fs.openSync(path.join(dataDir, "emulator.log"), "a");
    const child = spawn(process.execPath, [path.join(repo, "emulator", "dist", "emulator", "cli.js"), "--port", String(port), "--data-dir", dataDir], {
        detached: true,
        stdio: ["ignore", log, log],
    });
    child.unref();
    for (let i = 0; i < 50; i++) {
        if (await healthy(url)) {
            fs.writeFileSync(path.join(dataDir, "emulator.pid"), String(child.pid));
            return { url, started: true, pid: child.pid };
        }
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
    }
    const tail = fs.readFileSync(path.join(dataDir, "emulator.log"), "utf8").trim().split("\n").slice(-3).join("\n");
    fail(`the HeyGen emulator did not start on port ${port}:\n${tail}\n(choose another port with --emulator-port, or stop what uses it)`);
}

function stopEmulator(dataDir) {
    const pidFile = path.join(dataDir, "emulator.pid");
    if (!fs.existsSync(pidFile)) return;
    try {
        process.kill(Number(fs.readFileSync(pidFile, "utf8")), "SIGTERM");
    } catch { /* already gone */ }
    fs.rmSync(pidFile, { force: true });
}

async function main() {
    const args = parse();
    if (args.help) return console.log(USAGE);
    if (!fs.existsSync(path.join(repo, "node_modules", "pulumi-heygen", "dist"))) {
        step("Building the provider");
        const b = spawnSync("npm", ["run", "build"], { cwd: repo, stdio: "inherit" });
        if (b.status !== 0) fail("the build failed; run `npm install` first");
    }

    step("Engine");
    let env;
    try {
        env = { ...process.env, ...engineEnv() };
    } catch (e) {
        fail(`no Pulumi engine: ${e.message}\nInstall the Pulumi CLI, or see README "Offline engine".`);
    }
    console.log(spawnSync("pulumi", ["version"], { env, encoding: "utf8" }).stdout.trim(), "at", env.PULUMI_HEYGEN_ENGINE_BIN);

    const stack = args.stack;
    pulumi(["stack", "select", "--create", stack], env, { capture: true });

    // A real key (environment or stack config) means HeyGen itself; otherwise the embedded emulator.
    const configuredKey = pulumi(["config", "get", "heygen:apiKey"], env, { capture: true, allowFailure: true }).status === 0;
    let emulator;
    if (process.env.HEYGEN_API_KEY || configuredKey) {
        const base = process.env.HEYGEN_API_BASE || pulumi(["config", "get", "heygen:baseUrl"], env, { capture: true, allowFailure: true }).stdout?.trim() || "https://api.heygen.com";
        step(`HeyGen API at ${base} (key from ${process.env.HEYGEN_API_KEY ? "HEYGEN_API_KEY" : "heygen:apiKey"})`);
    } else {
        step("HeyGen emulator (no key configured: nothing leaves this machine, no credits are spent)");
        emulator = await ensureEmulator(Number(args["emulator-port"]), args["emulator-data"]);
        console.log(`${emulator.started ? "started" : "already running"} at ${emulator.url} (state in ${path.relative(repo, args["emulator-data"]) || "."})`);
        env.HEYGEN_API_KEY = "emulator-key";
        env.HEYGEN_API_BASE = emulator.url;
    }

    step(`pulumi preview --diff --refresh (stack ${stack})`);
    pulumi(["preview", "--diff", "--refresh"], env);
    step("pulumi up --refresh");
    pulumi(["up", "--yes", "--skip-preview", "--refresh"], env);

    const out = JSON.parse(pulumi(["stack", "output", "--json", "--show-secrets"], env, { capture: true }).stdout || "{}");
    step("What you have");
    for (const [who, status] of Object.entries(out.groupStatus ?? {})) console.log(`  ${`${who} (character)`.padEnd(28)} ${String(status).padEnd(16)} group id ${out.groups?.[who]}`);
    for (const [name, id] of Object.entries(out.looks ?? {})) {
        console.log(`  ${name.padEnd(28)} ${String(out.statuses?.[name] ?? "(first look)").padEnd(16)} look id ${id}`);
    }
    console.log("\n  Use a look id as avatar_id in HeyGen's POST /v3/videos (a look is usable once completed).");
    const consent = Object.entries(out.consent ?? {}).filter(([, url]) => url);
    if (consent.length) {
        console.log("\n  Consent: the person filmed opens this page to approve their digital twin, then run `npm start` again:");
        for (const [who, url] of consent) console.log(`  ${who.padEnd(24)} ${url}`);
    }
    if (emulator) {
        if (args["stop-emulator"]) {
            stopEmulator(args["emulator-data"]);
            console.log("\n  The emulator was stopped; its state is kept in .emulator-data/.");
        } else {
            console.log(`\n  The emulator keeps running at ${emulator.url} so these links work; stop it with \`npm run emulator:stop\`.`);
        }
    }
    console.log("\n  Next: `pulumi refresh` finds drift, `pulumi destroy` removes it all (after `eval \"$(node scripts/engine-env.js)\"`).");
}

if (require.main === module) {
    if (process.argv.includes("--stop-only")) stopEmulator(process.env.HEYGEN_EMULATOR_DATA ?? path.join(repo, ".emulator-data"));
    else main().catch((e) => fail(e.stack || String(e)));
}
