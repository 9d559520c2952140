// `npm start`: the main job. Makes sure the engine is there, starts the local HeyGen emulator (unless a
// real key is configured), shows `pulumi preview --diff`, runs `pulumi up`, and prints what to do next.
//
//   npm start                          # stack dev, on the emulator (nothing leaves this machine)
//   npm start -- --stack prod          # Pulumi.prod.yaml, on the emulator
//   npm start -- --stack real          # a stack with a real key (README "Against the real HeyGen API"):
//                                      # checks it, shows the preview, asks before spending (--yes: don't ask)
//   npm start -- --stop-emulator       # stop the emulator afterwards (it keeps running by default, so
//                                      # the consent link keeps working)
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const { parseArgs } = require("util");
const { DEMO_PASSPHRASE, engineEnv, hasOwnPassphrase, repo } = require("./engine-env");
const { API_TAG, apiMismatch, passphraseProblem, unrealUrls } = require("./start-checks");

const USAGE = `Usage: npm start [-- --stack NAME] [--yes] [--show-consent-links] [--emulator-port N] [--stop-emulator]

  --yes                 with a real key: apply what the preview showed without asking (CI)
  --show-consent-links  with a real key: print the consent links even when the output is not a terminal`;

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
                yes: { type: "boolean", short: "y", default: false },
                "show-consent-links": { type: "boolean", default: false },
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

/** Asks on the terminal; anything but y/yes is no. */
function ask(question) {
    const rl = require("readline").createInterface({ input: process.stdin, output: process.stdout });
    return new Promise((resolve) => rl.question(question, (a) => {
        rl.close();
        resolve(/^\s*y(es)?\s*$/i.test(a));
    }));
}

const isTerminal = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

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

    // What the stack is: its config (read without decrypting anything) and the API it was used with.
    const stack = args.stack;
    const exists = pulumi(["stack", "select", stack], env, { capture: true, allowFailure: true }).status === 0;
    const readConfig = () => JSON.parse(pulumi(["config", "--json"], env, { capture: true }).stdout || "{}");
    let config = exists ? readConfig() : {};
    const recorded = exists ? pulumi(["stack", "tag", "get", API_TAG], env, { capture: true, allowFailure: true }).stdout?.trim() || undefined : undefined;
    const stackFile = path.join(repo, `Pulumi.${stack}.yaml`);

    // A real key (environment or stack config) means HeyGen itself; otherwise the embedded emulator.
    const configKey = config["heygen:apiKey"];
    const real = Boolean(process.env.HEYGEN_API_KEY || configKey);
    let emulator;
    let target;
    if (real) {
        const base = config["heygen:baseUrl"]?.value || process.env.HEYGEN_API_BASE || "https://api.heygen.com";
        target = base.replace(/\/+$/, "");
        step(`HeyGen API at ${target} (key from ${configKey ? "heygen:apiKey" : "HEYGEN_API_KEY"}): this is a real account, creates cost credits`);
        const plainKey = () => {
            if (config["heygen:apiKey"] && !config["heygen:apiKey"].secret) {
                fail(`heygen:apiKey is in plain text in Pulumi.${stack}.yaml, and Pulumi would store it unencrypted in state: \`pulumi config set --secret heygen:apiKey <key>\` (or \`pulumi config rm heygen:apiKey\` and set HEYGEN_API_KEY)`);
            }
        };
        plainKey();
        const mismatch = apiMismatch(recorded, target, stack);
        if (mismatch) fail(mismatch);
        const secrets = passphraseProblem(process.env, fs.existsSync(stackFile) ? fs.readFileSync(stackFile, "utf8") : "", stack);
        if (secrets) fail(secrets);
        if (!exists) {
            // Only a stack's config can be read, and the stack is made with the user's own passphrase.
            pulumi(["stack", "init", stack], env, { capture: true });
            config = readConfig();
            plainKey();
        }
        const unreal = unrealUrls(config);
        if (unreal.length) {
            fail(`HeyGen could never download these URLs in Pulumi.${stack}.yaml; nothing was previewed or applied:\n` +
                unreal.map((u) => `  ${u.key}${u.path ? ` ${u.path}` : ""}: ${u.url} ${u.why}`).join("\n") +
                "\nUse public https links HeyGen can download, or `path:` to upload a local file.");
        }
    } else {
        target = "emulator";
        const mismatch = apiMismatch(recorded, target, stack);
        if (mismatch) fail(mismatch);
        step("HeyGen emulator (no key configured: nothing leaves this machine, no credits are spent)");
        emulator = await ensureEmulator(Number(args["emulator-port"]), args["emulator-data"]);
        console.log(`${emulator.started ? "started" : "already running"} at ${emulator.url} (state in ${path.relative(repo, args["emulator-data"]) || "."})`);
        env.HEYGEN_API_KEY = "emulator-key";
        env.HEYGEN_API_BASE = emulator.url;
        // The demo stacks' secrets are the emulator's consent links: a published passphrase will do when
        // the user has none of their own (it is refused for any real API).
        if (!hasOwnPassphrase()) env.PULUMI_CONFIG_PASSPHRASE = DEMO_PASSPHRASE;
        if (!exists) pulumi(["stack", "init", stack], env, { capture: true });
    }
    if (recorded !== target) pulumi(["stack", "tag", "set", API_TAG, target], env, { capture: true });

    const engineFailed = () => {
        // Was it the passphrase? Ask the engine again, quietly, with something that must decrypt.
        const probe = ["stack export --show-secrets", "config --show-secrets --json"].map((c) => pulumi(c.split(" "), env, { capture: true, allowFailure: true }));
        if (probe.some((r) => /incorrect passphrase/.test(`${r.stdout}${r.stderr}`)) && !real) {
            fail(`stack ${stack}'s secrets were encrypted with another passphrase than the one in use (${hasOwnPassphrase() ? "your PULUMI_CONFIG_PASSPHRASE" : "the demo one"}). ` +
                `If npm start made it with the demo passphrase, run it without yours: \`env -u PULUMI_CONFIG_PASSPHRASE npm start\`.`);
        }
        fail("pulumi failed; the output above says why");
    };
    step(`pulumi preview --diff --refresh (stack ${stack})`);
    if (pulumi(["preview", "--diff", "--refresh"], env, { allowFailure: true }).status !== 0) engineFailed();
    if (real && !args.yes) {
        if (!isTerminal()) {
            fail(`this is a real HeyGen account and the output is not a terminal, so nobody can be asked: read the preview above, then run \`npm start -- --stack ${stack} --yes\` to apply it`);
        }
        if (!(await ask(`\nApply these changes to the HeyGen account at ${target}? Creates cost credits. [y/N] `))) {
            console.log("Nothing was applied.");
            return;
        }
    }
    step("pulumi up --refresh");
    if (pulumi(["up", "--yes", "--skip-preview", "--refresh"], env, { allowFailure: true }).status !== 0) engineFailed();

    const out = JSON.parse(pulumi(["stack", "output", "--json", "--show-secrets"], env, { capture: true }).stdout || "{}");
    step("What you have");
    for (const [who, status] of Object.entries(out.groupStatus ?? {})) console.log(`  ${`${who} (character)`.padEnd(28)} ${String(status).padEnd(16)} group id ${out.groups?.[who]}`);
    for (const [name, id] of Object.entries(out.looks ?? {})) {
        console.log(`  ${name.padEnd(28)} ${String(out.statuses?.[name] ?? "(first look)").padEnd(16)} look id ${id}`);
    }
    console.log("\n  Use a look id as avatar_id in HeyGen's POST /v3/videos (a look is usable once completed).");
    const consent = Object.entries(out.consent ?? {}).filter(([, url]) => url);
    if (consent.length) {
        // A real consent link is personal and secret: never into a log unless asked.
        if (!real || isTerminal() || args["show-consent-links"]) {
            console.log("\n  Consent: the person filmed opens this page to approve their digital twin, then run `npm start` again:");
            for (const [who, url] of consent) console.log(`  ${who.padEnd(24)} ${url}`);
        } else {
            console.log(`\n  Consent: ${consent.length} link(s) for the people filmed. They are secret, so they are not printed here (not a terminal):`);
            console.log(`  \`pulumi stack output consent --show-secrets --stack ${stack}\`, or npm start with --show-consent-links.`);
        }
    }
    if (emulator) {
        if (args["stop-emulator"]) {
            stopEmulator(args["emulator-data"]);
            console.log("\n  The emulator was stopped; its state is kept in .emulator-data/.");
        } else {
            console.log(`\n  The emulator keeps running at ${emulator.url} so these links work; stop it with \`npm run emulator:stop\`.`);
        }
    }
    const shell = real ? "eval \"$(node scripts/engine-env.js)\"" : "eval \"$(node scripts/engine-env.js --demo)\"";
    console.log(`\n  Next: \`pulumi refresh\` finds drift, \`pulumi destroy\` removes it all (after \`${shell}\`; both ask before they change anything).`);
}

if (require.main === module) {
    if (process.argv.includes("--stop-only")) stopEmulator(process.env.HEYGEN_EMULATOR_DATA ?? path.join(repo, ".emulator-data"));
    else main().catch((e) => fail(e.stack || String(e)));
}
