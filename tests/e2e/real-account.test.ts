// A real account, safe by default: where the key lands in state, whose passphrase protects it, what
// `npm start` refuses or asks before spending, key rotation, and where staged bytes go. Through the real
// engine; an emulator that accepts only one key stands in for HeyGen's API. The README's real-account
// section is run verbatim, in a terminal (a pty from `script`), on a clean copy of the repository.
import { strict as assert } from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, REPO, type RunResult, freePort, runCommand, workDir } from "../support/engine";
import { http as raw, media } from "../support/http";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { engineEnv } = require("../../scripts/engine-env") as { engineEnv(o?: object): Record<string, string> };

const REAL_KEY = "hg-real-0123456789abcdef";
const OWN_PASSPHRASE = "correct horse battery staple";
const INSTANT = { photo: { mode: "instant" as const }, prompt: { mode: "instant" as const }, digital_twin: { mode: "instant" as const } };

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");

/** The user's shell: nothing of the test runner's Pulumi or HeyGen settings. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(PULUMI_|HEYGEN_)/.test(k)) env[k] = v;
    // The engine is already built: the clone finds it where `scripts/engine` put it.
    env.PULUMI_HEYGEN_ENGINE_BIN = engineEnv().PULUMI_HEYGEN_ENGINE_BIN;
    return { ...env, ...extra };
}

/** A clean clone: the repository's files (tracked and new, nothing ignored), node_modules as installed. */
function cleanClone(name: string): string {
    const dir = workDir(name);
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: REPO, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const rel of files) {
        const from = path.join(REPO, rel);
        if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue;
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.copyFileSync(from, path.join(dir, rel));
    }
    // `npm install` already ran in the repository: the clone uses the same installed packages.
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"));
    fs.symlinkSync(path.join(REPO, "dist"), path.join(dir, "dist"));
    fs.symlinkSync(path.join(REPO, "emulator", "dist"), path.join(dir, "emulator", "dist"));
    return dir;
}

/** The ```sh blocks of a README section, in order. */
function shellBlocks(readme: string, heading: string): string[] {
    const start = readme.indexOf(`## ${heading}\n`);
    assert.ok(start >= 0, `README has a section "${heading}"`);
    const rest = readme.slice(start + heading.length + 4);
    const section = rest.slice(0, rest.search(/\n## /) === -1 ? undefined : rest.search(/\n## /));
    return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
}

interface Answer {
    when: RegExp;
    send: string;
}

/** Runs a bash script in a terminal (a pty), answering prompts as a person would. */
function inTerminal(script: string, cwd: string, env: Record<string, string>, answers: Answer[] = [], timeoutMs = 300_000): Promise<RunResult & { answered: number }> {
    const file = path.join(cwd, `.steps-${Date.now()}.sh`);
    fs.writeFileSync(file, `set -euo pipefail\n${script}`);
    return new Promise((resolve) => {
        const child = spawn("script", ["-qefc", `bash ${file}`, "/dev/null"], { cwd, env });
        let out = "";
        let scanned = 0;
        let answered = 0;
        child.stdout.on("data", (d) => {
            out += d;
            const text = stripAnsi(out);
            for (const a of answers) {
                a.when.lastIndex = 0;
                const m = a.when.exec(text.slice(scanned));
                if (m) {
                    scanned += m.index + m[0].length;
                    answered++;
                    setTimeout(() => child.stdin.write(a.send), 200);
                    break;
                }
            }
        });
        child.stderr.on("data", (d) => (out += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("close", (code) => {
            clearTimeout(timer);
            fs.rmSync(file, { force: true });
            resolve({ code, stdout: stripAnsi(out), stderr: "", answered });
        });
    });
}

const APPLY = { when: /Apply these changes to the HeyGen account at [^?]+\? Creates cost credits\. \[y\/N\]/, send: "y\r" };
const UPDATE = { when: /Do you want to perform this update\?/, send: "yes\r" };
const REFRESH = { when: /Do you want to perform this refresh\?/, send: "yes\r" };

describe("a real account, safe by default (real engine; a one-key emulator stands in for HeyGen)", function () {
    this.timeout(900_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    before(async () => {
        emu = await startEmulator({ apiKeys: [REAL_KEY], timing: INSTANT });
        control = raw(emu.url, REAL_KEY);
    });
    after(() => emu.stop());
    beforeEach(async () => {
        emu.setApiKeys([REAL_KEY]);
        await control.post("/_emulator/reset");
    });
    const privateGroups = async () => (await control.get("/v3/avatars?ownership=private")).body.data as { id: string }[];
    const writes = () => emu.requests.filter((r) => r.method !== "GET");

    it("where the key lives: HEYGEN_API_KEY → nowhere in state; --secret → ciphertext only; plain config → refused at preview with the fix", async () => {
        const p = CliProject.create("key-in-state", {
            "index.ts": `import * as heygen from "pulumi-heygen";\nexport const id = new heygen.AvatarGroup("g", { name: "G", firstLook: { type: "prompt", prompt: "a chef" } }).groupId;\n`,
        }, { HEYGEN_API_BASE: emu.url, PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE });
        try {
            // Environment only.
            await p.ok(["stack", "init", "env"]);
            const up = await p.run(["up", "--yes", "--skip-preview"], { env: { HEYGEN_API_KEY: REAL_KEY } });
            assert.equal(up.code, 0, up.stdout.slice(-2000));
            const envState = await p.exportStateRaw();
            assert.equal(envState.includes(REAL_KEY), false);
            const envProvider = JSON.parse(envState).deployment.resources.find((r: any) => r.type === "pulumi:providers:pulumi-nodejs");
            assert.ok(envProvider, "the default provider is recorded");
            assert.equal(envProvider.inputs?.["heygen:apiKey"], undefined, "no key among the provider's inputs");

            // Secret config: encrypted in the default provider's inputs.
            await p.ok(["stack", "init", "secret"]);
            await p.ok(["config", "set", "--secret", "heygen:apiKey", REAL_KEY]);
            assert.equal((await p.apply("up")).result, "succeeded");
            const secretState = await p.exportStateRaw();
            assert.equal(secretState.includes(REAL_KEY), false, "never in clear");
            const secretProvider = JSON.parse(secretState).deployment.resources.find((r: any) => r.type === "pulumi:providers:pulumi-nodejs");
            assert.ok(secretProvider.inputs["heygen:apiKey"].ciphertext, "encrypted, as the README says");
            assert.equal(fs.readFileSync(path.join(p.dir, "Pulumi.secret.yaml"), "utf8").includes(REAL_KEY), false);

            // Plain config: refused at preview, with the command that fixes it; nothing created, no state.
            await p.ok(["stack", "init", "plain"]);
            await p.ok(["config", "set", "heygen:apiKey", REAL_KEY]);
            const before = writes().length;
            const preview = await p.run(["preview"]);
            assert.notEqual(preview.code, 0);
            assert.match(preview.stdout, /heygen:apiKey is set in plain text in the stack config \(Pulumi\.plain\.yaml\): Pulumi would store it unencrypted in state\. Make it a secret: `pulumi config set --secret heygen:apiKey <key>`/);
            assert.doesNotMatch(preview.stdout, /at checkProgramConfig|\.ts:\d+:\d+/, "the message, not a stack trace");
            const up2 = await p.apply("up");
            assert.equal(up2.result, "failed");
            assert.equal((await p.exportStateRaw()).includes(REAL_KEY), false, "an up refused too: the key never reached state");
            assert.equal(writes().length, before, "nothing sent");
            for (const s of ["secret", "env"]) {
                await p.ok(["stack", "select", s]);
                assert.equal((await p.run(["destroy", "--yes", "--skip-preview"], { env: { HEYGEN_API_KEY: REAL_KEY } })).code, 0);
            }
            assert.deepEqual(await privateGroups(), []);
        } finally {
            p.remove();
        }
    });

    it("the environment the project gives a shell sets no passphrase and skips no confirmation", async () => {
        const shell = await runCommand(process.execPath, [path.join(REPO, "scripts", "engine-env.js")], REPO, cleanEnv());
        assert.equal(shell.code, 0);
        assert.doesNotMatch(shell.stdout, /PULUMI_CONFIG_PASSPHRASE|PULUMI_SKIP_CONFIRMATIONS/);
        assert.match(shell.stderr, /PULUMI_CONFIG_PASSPHRASE is not set: set your own/);
        const demo = await runCommand(process.execPath, [path.join(REPO, "scripts", "engine-env.js"), "--demo"], REPO, cleanEnv());
        assert.match(demo.stdout, /export PULUMI_CONFIG_PASSPHRASE='pulumi-heygen-local'/);
        assert.doesNotMatch(demo.stdout, /PULUMI_SKIP_CONFIRMATIONS/);
        const own = await runCommand(process.execPath, [path.join(REPO, "scripts", "engine-env.js"), "--demo"], REPO, cleanEnv({ PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE }));
        assert.doesNotMatch(own.stdout, /PULUMI_CONFIG_PASSPHRASE/, "the user's own passphrase is kept");

        // destroy in that environment asks; where nobody can answer it refuses.
        const p = CliProject.create("confirm", { "index.ts": `export const x = 1;\n` }, { PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE });
        try {
            await p.ok(["stack", "init", "dev"]);
            assert.equal((await p.apply("up")).result, "succeeded");
            const env: Record<string, string> = {};
            for (const line of shell.stdout.trim().split("\n")) {
                const m = /^export (\w+)='(.*)'$/.exec(line)!;
                env[m[1]] = m[2];
            }
            const destroy = await runCommand("pulumi", ["destroy", "--non-interactive"], p.dir, cleanEnv({ ...env, PULUMI_BACKEND_URL: p.env.PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE }));
            assert.notEqual(destroy.code, 0);
            assert.match(destroy.stdout + destroy.stderr, /--yes .*must be passed in to proceed when running in non-interactive mode/);
        } finally {
            p.remove();
        }
    });

    it("the README from top to bottom on a clean clone: the emulator run with your own passphrase, the real-account section verbatim, then key rotation as documented", async () => {
        const dir = cleanClone("readme");
        const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
        const [setup, rotateByConfig, rotateByEnv] = shellBlocks(readme, "Against the real HeyGen API");
        assert.ok(setup && rotateByConfig && rotateByEnv, "three command blocks");
        const emulatorPort = await freePort();
        // HEYGEN_API_BASE points the "real" account at the one-key emulator; everything else is the user's.
        const env = cleanEnv({ HEYGEN_API_BASE: emu.url, HEYGEN_EMULATOR_PORT: String(emulatorPort) });
        const fill = (block: string, key = REAL_KEY) =>
            block.replace(/^npm install[ \t]*(#.*)?$/m, "true  # npm install: done in the repository, node_modules linked")
                .replace("<a passphrase of your own>", OWN_PASSPHRASE).replace("<your key>", key).replace("<your new key>", key);
        const shellSetup = setup.split("\n").filter((l) => /^(export|eval) /.test(l)).map((l) => fill(l)).join("\n");
        try {
            // The emulator run first, as the README orders it, with a passphrase of the user's own: from a
            // clean clone this worked only with the built-in one (the committed salt was made with it).
            const first = await runCommand(process.execPath, [path.join(dir, "scripts", "start.js"), "--stop-emulator"], dir, { ...env, PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE });
            assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr.slice(-2000));
            assert.match(first.stdout, /\+ 7 created/);

            // The real-account section, verbatim, in a terminal: npm start previews, asks, and we answer yes.
            const real = await inTerminal(fill(setup), dir, env, [APPLY]);
            assert.equal(real.code, 0, real.stdout.slice(-5000));
            assert.equal(real.answered, 1, "asked once before spending");
            assert.match(real.stdout, /HeyGen API at http:\/\/127\.0\.0\.1:\d+ \(key from heygen:apiKey\): this is a real account/);
            assert.match(real.stdout, /\+ 3 to create/);
            assert.match(real.stdout, /\+ 3 created/);
            assert.match(real.stdout, /Presenter - headshot\s+\(first look\)\s+look id [0-9a-f]{32}/);
            // Its own stack: the real account holds only what stack real made; dev's ids stayed with the emulator.
            const groups = await privateGroups();
            assert.equal(groups.length, 1);
            const realState = (await runCommand("bash", ["-c", `${shellSetup}\npulumi stack export --stack real`], dir, env)).stdout;
            assert.ok(realState.includes(groups[0].id));
            assert.equal(realState.includes(REAL_KEY), false, "the key is encrypted with the user's passphrase");
            assert.equal(fs.readFileSync(path.join(dir, "Pulumi.real.yaml"), "utf8").includes(REAL_KEY), false);
            assert.match(fs.readFileSync(path.join(dir, ".gitignore"), "utf8"), /^\/Pulumi\.real\.yaml$/m);

            // The key is rotated in HeyGen: refresh (the key saved in state) says what to do, without a trace.
            const NEW1 = "hg-rotated-1";
            emu.setApiKeys([NEW1]);
            const stale = await runCommand("bash", ["-c", `${shellSetup}\npulumi refresh --yes --non-interactive --stack real`], dir, env);
            assert.notEqual(stale.code, 0);
            assert.match(stale.stdout, /HeyGen rejected the API key from heygen:apiKey \(HTTP 401 at [^)]+\)\. `pulumi refresh` and `pulumi destroy` use the key saved in this stack's state by the last `pulumi up`\. After rotating the key: `pulumi config set --secret heygen:apiKey <new key>`/);
            assert.doesNotMatch(stale.stdout + stale.stderr, /at errorFromResponse|client\.ts:\d+/, "no stack trace");
            assert.doesNotMatch(stale.stdout + stale.stderr, new RegExp(`${REAL_KEY}|${NEW1}`), "no key printed");

            // The documented way out, verbatim: set the new key, pulumi up (it asks; yes).
            const byConfig = await inTerminal(`${shellSetup}\npulumi stack select real\n${fill(rotateByConfig, NEW1)}`, dir, env, [UPDATE]);
            assert.equal(byConfig.code, 0, byConfig.stdout.slice(-4000));
            assert.match(byConfig.stdout, /3 unchanged/);

            // Rotated again; this time the new key comes from the environment, as documented.
            const NEW2 = "hg-rotated-2";
            emu.setApiKeys([NEW2]);
            const byEnv = await inTerminal(`${shellSetup}\npulumi stack select real\n${fill(rotateByEnv, NEW2)}`, dir, env, [REFRESH]);
            assert.equal(byEnv.code, 0, byEnv.stdout.slice(-4000));
            assert.match(byEnv.stdout, /HeyGen rejected heygen:apiKey .*; using HEYGEN_API_KEY/);

            const destroy = await runCommand("bash", ["-c", `${shellSetup}\nHEYGEN_API_KEY=${NEW2} pulumi destroy --yes --non-interactive --stack real`], dir, env);
            assert.equal(destroy.code, 0, destroy.stdout.slice(-3000));
            emu.setApiKeys([REAL_KEY]); // for the test's own look at the account
            assert.deepEqual(await privateGroups(), [], "nothing left on the account");
        } finally {
            await runCommand(process.execPath, [path.join(dir, "scripts", "start.js"), "--stop-only"], dir, env);
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("npm start with a real key refuses before spending (no passphrase of yours, the demo one, an emulator stack, a plain key, example URLs), asks or needs --yes, and keeps consent links off a pipe", async () => {
        const dir = cleanClone("start-real");
        const start = (args: string[], extra: Record<string, string> = {}) =>
            runCommand(process.execPath, [path.join(dir, "scripts", "start.js"), ...args], dir, cleanEnv({ HEYGEN_API_BASE: emu.url, ...extra }));
        const pulumi = (args: string[], extra: Record<string, string> = {}) =>
            runCommand("pulumi", [...args, "--non-interactive"], dir, cleanEnv({ ...engineEnv({ stateDir: path.join(dir, ".pulumi-state"), homeDir: path.join(dir, ".pulumi-home") }), HEYGEN_API_BASE: emu.url, PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE, ...extra }));
        try {
            const noPassphrase = await start(["--stack", "real"], { HEYGEN_API_KEY: REAL_KEY });
            assert.equal(noPassphrase.code, 1);
            assert.match(noPassphrase.stderr, /stack real uses a real HeyGen key, and no passphrase of yours protects its secrets: set a passphrase of your own .*export PULUMI_CONFIG_PASSPHRASE=/);
            const demo = await start(["--stack", "real"], { HEYGEN_API_KEY: REAL_KEY, PULUMI_CONFIG_PASSPHRASE: "pulumi-heygen-local" });
            assert.match(demo.stderr, /PULUMI_CONFIG_PASSPHRASE is the emulator demo passphrase, published in this repository/);
            const examples = await start(["--stack", "dev"], { HEYGEN_API_KEY: REAL_KEY, PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE });
            assert.equal(examples.code, 1);
            assert.match(examples.stderr, /HeyGen could never download these URLs in Pulumi\.dev\.yaml/);
            assert.match(examples.stderr, /heygen-estate:characters \[0\]\.looks\[0\]\.footage\.url: https:\/\/cdn\.example\.com\/sarah-studio\.mp4 is a reserved example domain/);

            await pulumi(["stack", "init", "demo"]);
            await pulumi(["stack", "tag", "set", "pulumi-heygen:api", "emulator", "--stack", "demo"]);
            const mixed = await start(["--stack", "demo"], { HEYGEN_API_KEY: REAL_KEY, PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE });
            assert.match(mixed.stderr, /stack demo holds objects of the local emulator .* a real account needs a stack of its own/);

            fs.copyFileSync(path.join(dir, "estate", "real.example.yaml"), path.join(dir, "Pulumi.plain.yaml"));
            await pulumi(["stack", "init", "plain"]);
            await pulumi(["config", "set", "heygen:apiKey", REAL_KEY, "--stack", "plain"]);
            const plain = await start(["--stack", "plain"], { PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE });
            assert.match(plain.stderr, /heygen:apiKey is in plain text in Pulumi\.plain\.yaml.*pulumi config set --secret heygen:apiKey <key>/);
            assert.deepEqual(writes(), [], "none of these sent anything");
            assert.deepEqual(emu.requests, [], "not even a read");

            // A valid real stack with a digital twin and consent, run where nobody can answer.
            const estate = fs.readFileSync(path.join(dir, "estate", "real.example.yaml"), "utf8")
                .replace(/      # A digital twin[\s\S]*$/, [
                    "        - key: twin", "          type: digital_twin", "          name: Presenter - twin", "          footage:",
                    "            url: https://media.heygen-customer.net/footage.mp4", "      consent:", "        rerouteUrl: https://heygen-customer.net/thanks", "",
                ].join("\n"));
            fs.writeFileSync(path.join(dir, "Pulumi.real.yaml"), estate);
            await pulumi(["stack", "init", "real"]);
            const own = { HEYGEN_API_KEY: REAL_KEY, PULUMI_CONFIG_PASSPHRASE: OWN_PASSPHRASE };
            const piped = await start(["--stack", "real"], own);
            assert.equal(piped.code, 1);
            assert.match(piped.stdout, /\+ 5 to create/, "the preview is shown");
            assert.match(piped.stderr, /the output is not a terminal, so nobody can be asked: read the preview above, then run `npm start -- --stack real --yes`/);
            assert.deepEqual(writes(), [], "a preview spends nothing");

            const yes = await start(["--stack", "real", "--yes"], own);
            assert.equal(yes.code, 0, yes.stdout.slice(-3000) + yes.stderr.slice(-2000));
            assert.match(yes.stdout, /\+ 5 created/);
            assert.doesNotMatch(yes.stdout, /\/consent\//, "a consent link is secret: not into a pipe");
            assert.match(yes.stdout, /Consent: 1 link\(s\) for the people filmed\. They are secret, so they are not printed here/);
            const asked = await start(["--stack", "real", "--yes", "--show-consent-links"], own);
            assert.match(asked.stdout, /Presenter\s+http:\/\/127\.0\.0\.1:\d+\/consent\//);

            const destroy = await pulumi(["destroy", "--yes", "--stack", "real"], own);
            assert.equal(destroy.code, 0, destroy.stdout.slice(-3000) + destroy.stderr.slice(-2000));
            assert.deepEqual(await privateGroups(), []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("base64 bytes stay in the provider's memory between check and create: nothing under TMPDIR at preview or up, the upload is the declared bytes", async () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-staging-"));
        const bytes = media.png(700, 700);
        const p = CliProject.create("staging", {
            "index.ts": `import * as heygen from "pulumi-heygen";
const g = new heygen.AvatarGroup("g", { name: "G", firstLook: { type: "prompt", prompt: "a chef" } });
new heygen.PhotoLook("inline", { groupId: g.groupId, name: "Inline", image: { base64: "${bytes.toString("base64")}", mediaType: "image/png" }, waitFor: "created" });
`,
        }, { HEYGEN_API_KEY: REAL_KEY, HEYGEN_API_BASE: emu.url, TMPDIR: tmp });
        const staged = () => fs.readdirSync(tmp, { recursive: true }).map(String).filter((f) => {
            const full = path.join(tmp, f);
            return f.includes("pulumi-heygen-staged") || (fs.statSync(full).isFile() && fs.readFileSync(full).includes(bytes));
        });
        try {
            // The photo trains for a while and `up` does not wait for it, so its uploaded asset (deleted once
            // training ends) is still there to compare with the declared bytes.
            assert.equal((await control.put("/_emulator/timing", { photo: "600s" })).status, 200);
            await p.ok(["stack", "init", "dev"]);
            assert.equal((await p.preview()).exitCode, 0);
            assert.deepEqual(staged(), [], "a preview writes nothing");
            // `up` with its own preview first: check and create meet in the update's provider process.
            const up = await p.run(["up", "--yes"]);
            assert.equal(up.code, 0, up.stdout.slice(-3000));
            assert.deepEqual(staged(), [], "neither does up");
            const assets = (await control.get("/_emulator/state")).body.assets as { sha256: string; size_bytes: number }[];
            assert.deepEqual(assets.map((a) => [a.sha256, a.size_bytes]), [[require("crypto").createHash("sha256").update(bytes).digest("hex"), bytes.length]]);
            assert.equal((await p.apply("destroy")).result, "succeeded");
        } finally {
            p.remove();
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });
});
