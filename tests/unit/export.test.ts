// `pulumi-heygen export` without the engine: the naming function and the code generation as tables, and
// the command against the emulator over HTTP: the generated program, run with a stand-in for the package,
// declares exactly the account's objects (ids, names, groups, types); the same account gives the same
// bytes; errors for a rejected key, an unreachable API, a directory that is not empty, an unknown group.
// The round trip through the engine is tests/e2e/export.test.ts.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import * as vm from "vm";
import { execFile } from "child_process";
import * as ts from "typescript";
import { type Emulator, startEmulator } from "../../emulator";
import { exportMain } from "../../provider/export/cli";
import { generateProject } from "../../provider/export/generate";
import type { ExportedAccount } from "../../provider/export/model";
import { identifier, literal, slug, uniqueNames } from "../../provider/export/naming";
import { ODD, seedOddEstate, type SeededEstate } from "../support/estate";
import { parseSnapshot } from "../../api/snapshot";
import { http as raw } from "../support/http";

const KEY = "sk-export-unit-7f3a9c";
const OPTS = { version: "0.1.0", pulumiRange: "^3.200.0" };

/** A resource the generated program declared: its class, logical name, args and options. */
interface Declared {
    type: string;
    name: string;
    args: Record<string, any>;
    opts?: Record<string, any>;
}

/** Runs a generated index.ts with a stand-in for pulumi-heygen that records each resource. */
function declaredBy(indexTs: string): Declared[] {
    const out = ts.transpileModule(indexTs, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true } });
    assert.deepEqual(out.diagnostics ?? [], [], "the generated program parses");
    const declared: Declared[] = [];
    const kind = (type: string) => class {
        groupId: string;
        constructor(name: string, args: Record<string, any>, opts?: Record<string, any>) {
            declared.push(JSON.parse(JSON.stringify({ type, name, args, opts }))); // out of the sandbox's realm
            this.groupId = `<groupId of ${name}>`;
        }
    };
    const heygen = Object.fromEntries(["AvatarGroup", "PhotoLook", "PromptLook", "DigitalTwinLook", "ConsentRequest"].map((t) => [t, kind(t)]));
    const module = { exports: {} };
    vm.runInNewContext(out.outputText, { module, exports: module.exports, require: (m: string) => (m === "pulumi-heygen" ? heygen : assert.fail(`requires ${m}`)) });
    return declared;
}

const capture = () => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (d) => (text += d));
    return { stream, text: () => text };
};

async function runExport(argv: string[], env: Record<string, string | undefined>) {
    const stdout = capture();
    const stderr = capture();
    const code = await exportMain(argv, { stdout: stdout.stream, stderr: stderr.stream, env });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe("export: names", () => {
    it("slugs any name HeyGen allows into a short kebab-case word list", () => {
        const table: [string, string][] = [
            ["Sarah", "sarah"], ["Sarah - casual", "sarah-casual"], [`Sarah "the boss" O'Neil`, "sarah-the-boss-o-neil"],
            ["Tick `tock` ${alert(1)}", "tick-tock-alert-1"], ["Two\nlines", "two-lines"], ["🎬 Studio ✨", "studio"], ["🎬✨", ""],
            ["Crème brûlée", "creme-brulee"], ["MyAvatarLook", "my-avatar-look"], ["   ", ""], ["日本語", ""],
            ["a".repeat(255), "a".repeat(48)], [("word ").repeat(51), Array(9).fill("word").join("-")], ["2024 promo", "2024-promo"],
        ];
        for (const [name, want] of table) assert.equal(slug(name), want, JSON.stringify(name));
    });

    it("makes identifiers that JavaScript accepts", () => {
        const table: [string, string][] = [
            ["sarah-casual", "sarahCasual"], ["2024-promo", "look2024Promo"], ["new", "newLook"], ["retain", "retainLook"], ["", "look"], ["x", "x"],
        ];
        for (const [s, want] of table) assert.equal(identifier(s, "look"), want, s);
    });

    it("gives each object a unique logical name and variable, in order; repeats get a suffix", () => {
        const names = uniqueNames([
            { name: "Sarah", fallback: "group" }, { name: "sarah", fallback: "look" }, { name: "Sarah!", fallback: "look" },
            { name: "🎬", fallback: "look" }, { name: "✨", fallback: "look" }, { name: "Look 2", fallback: "look" }, { name: "new", fallback: "look" },
        ]);
        assert.deepEqual(names.map((n) => n.logical), ["sarah", "sarah-2", "sarah-3", "look", "look-2", "look-2-2", "new"]);
        assert.deepEqual(names.map((n) => n.variable), ["sarah", "sarah2", "sarah3", "look", "look2", "look22", "newLook"]);
        for (const n of names) assert.match(n.variable, /^[A-Za-z_$][A-Za-z0-9_$]*$/);
    });

    it("writes string literals that survive anything, comments included", () => {
        for (const s of [ODD.quotes, ODD.template, ODD.newline, ODD.emoji, ODD.long, "a\u2028b\u2029c", "\ud800 lone", "*/ /* //"]) {
            const lit = literal(s);
            assert.ok(!/[\n\r\u2028\u2029]/.test(lit), "on one line");
            assert.equal(vm.runInNewContext(`// ${lit}\n${lit}`), s);
        }
    });
});

describe("export: the generated project (pure)", () => {
    const account: ExportedAccount = {
        groups: [
            {
                id: "g1", name: ODD.template, consentStatus: "approved", looks: [
                    { id: "l1", name: ODD.template, avatarType: "photo_avatar", status: "completed", error: null },
                    { id: "l2", name: ODD.newline, avatarType: "digital_twin", status: "pending_consent", error: null },
                    { id: "l3", name: "x", avatarType: "photo_avatar", status: "failed", error: { code: "training_failed", message: "Training failed" } },
                    { id: "l4", name: "x", avatarType: "photo_avatar", status: "processing", error: null },
                ],
            },
            {
                id: "g2", name: "x", consentStatus: null, looks: [
                    { id: "l5", name: "bad", avatarType: "photo_avatar", status: "failed", error: null },
                    { id: "l6", name: ODD.emoji, avatarType: "photo_avatar", status: "completed", error: null },
                ],
            },
        ],
    };

    it("declares one adopting resource per object, with exact names and groups; failed looks are comments", () => {
        const files = generateProject(account, OPTS);
        assert.deepEqual(Object.keys(files).sort(), ["Pulumi.yaml", "README.md", "index.ts", "package.json", "tsconfig.json"]);
        const declared = declaredBy(files["index.ts"]);
        const retain = { retainOnDelete: true };
        assert.deepEqual(declared, [
            { type: "AvatarGroup", name: "tick-tock-alert-1-end", args: { adoptGroupId: "g1", name: ODD.template, firstLook: { type: "photo", name: ODD.template } }, opts: retain },
            { type: "DigitalTwinLook", name: "two-lines", args: { adoptLookId: "l2", groupId: "<groupId of tick-tock-alert-1-end>", name: ODD.newline }, opts: retain },
            { type: "PhotoLook", name: "x-2", args: { adoptLookId: "l4", groupId: "<groupId of tick-tock-alert-1-end>", name: "x", waitFor: "created" }, opts: retain },
            { type: "PhotoLook", name: "studio", args: { adoptLookId: "l6", groupId: "g2", name: ODD.emoji }, opts: retain },
        ]);
        assert.match(files["index.ts"], /\/\/ Not adopted: look l3: it failed to train \(training_failed: Training failed\)/);
        assert.match(files["index.ts"], /\/\/ Not adopted: its first look l5 "bad"/);
        assert.match(files["index.ts"], /declared as a PhotoLook/);
        assert.match(files["README.md"], /`l3` \*\*x\*\*: not adopted/);
        assert.match(files["README.md"], /`l4` \*\*x\*\*: processing/);
        assert.deepEqual(JSON.parse(files["package.json"]).dependencies, { "@pulumi/pulumi": "^3.200.0", "pulumi-heygen": "0.1.0" });
        const fromGit = generateProject(account, { ...OPTS, packageSpec: "git+https://example.com/pulumi-heygen.git#v0.1.0" });
        assert.equal(JSON.parse(fromGit["package.json"]).dependencies["pulumi-heygen"], "git+https://example.com/pulumi-heygen.git#v0.1.0");
    });

    it("is deterministic, and --no-retain leaves retainOnDelete out", () => {
        assert.deepEqual(generateProject(account, OPTS), generateProject(structuredClone(account), OPTS));
        const bare = generateProject(account, { ...OPTS, retain: false });
        assert.ok(!bare["index.ts"].includes("retain"));
        assert.ok(declaredBy(bare["index.ts"]).every((d) => d.opts === undefined));
    });

    it("an empty account is a valid, empty program", () => {
        const files = generateProject({ groups: [] }, OPTS);
        assert.deepEqual(declaredBy(files["index.ts"]), []);
        assert.match(files["README.md"], /Nothing: the account holds no avatar groups of its own/);
    });
});

describe("export: the command against the emulator", function () {
    this.timeout(60_000);
    let emu: Emulator;
    let estate: SeededEstate;
    let tmp: string;
    const env = () => ({ HEYGEN_API_KEY: KEY, HEYGEN_API_BASE: emu.url });
    const declaredOnce = () => fs.readFileSync(path.join(tmp, "a", "index.ts"), "utf8");
    const read = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));

    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY], timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        estate = await seedOddEstate(emu.url, KEY);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-export-"));
    });
    after(async () => {
        await emu.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("writes a program that declares exactly the account's private objects, and the same bytes twice", async () => {
        const a = await runExport(["--out", path.join(tmp, "a")], env());
        assert.equal(a.code, 0, a.stderr);
        assert.match(a.stderr, /wrote .* \(5 groups, 13 looks, \d+ ms\)/);
        const b = await runExport(["--out", path.join(tmp, "b")], env());
        assert.equal(b.code, 0, b.stderr);
        const files = read(path.join(tmp, "a"));
        assert.deepEqual(read(path.join(tmp, "b")), files, "the same account gives the same bytes");
        for (const text of Object.values(files)) assert.ok(!text.includes(KEY), "the key is in no file");
        assert.ok(!/public_/.test(files["index.ts"]), "public avatars are never exported");

        const declared = declaredBy(files["index.ts"]);
        assert.equal(new Set(declared.map((d) => d.name)).size, declared.length, "logical names are unique");
        const groups = declared.filter((d) => d.type === "AvatarGroup");
        const broken = estate.groups.find((g) => g.name === "Broken from the start")!;
        assert.deepEqual(groups.map((d) => [d.args.adoptGroupId, d.args.name, d.args.firstLook]),
            estate.groups.filter((g) => g !== broken).map((g) => {
                const first = estate.looks.find((l) => l.id === g.firstLookId)!;
                return [g.id, g.name, { type: first.createdAs === "digital_twin" ? "digital_twin" : "photo", name: first.name }];
            }), "each group adopted with its name and first look, oldest first (the one whose first look failed left out)");
        const groupRef = new Map(groups.map((d) => [`<groupId of ${d.name}>`, d.args.adoptGroupId]));
        const looks = declared.filter((d) => d.type !== "AvatarGroup");
        const firstIds = new Set(estate.groups.map((g) => g.firstLookId));
        const expected = estate.looks.filter((l) => !firstIds.has(l.id) && l.status !== "failed");
        assert.deepEqual(
            looks.map((d) => [d.type, d.args.adoptLookId, groupRef.get(d.args.groupId) ?? d.args.groupId, d.args.name, d.args.waitFor]),
            expected.map((l) => [l.createdAs === "digital_twin" ? "DigitalTwinLook" : "PhotoLook", l.id, l.groupId, l.name, l.status === "processing" ? "created" : undefined]),
        );
        assert.ok(declared.every((d) => d.opts?.retainOnDelete === true));
        for (const l of estate.looks.filter((x) => x.status === "failed" || x.status === "processing")) assert.ok(files["README.md"].includes(l.id), `README notes ${l.name}`);
    });

    it("--group picks groups; --no-retain; --force writes into a directory that is not empty, which is refused without it", async () => {
        const dir = path.join(tmp, "picked");
        const [first, , third] = estate.groups;
        const r = await runExport(["--out", dir, "--group", third.id, "--group", first.id, "--no-retain"], env());
        assert.equal(r.code, 0, r.stderr);
        const declared = declaredBy(fs.readFileSync(path.join(dir, "index.ts"), "utf8"));
        assert.deepEqual(declared.filter((d) => d.type === "AvatarGroup").map((d) => d.args.adoptGroupId), [first.id, third.id]);
        assert.ok(declared.every((d) => d.opts === undefined));

        const refused = await runExport(["--out", dir], env());
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /^pulumi-heygen export: --out .*picked is not empty \(5 entries\): choose a new directory, or pass --force/);
        const forced = await runExport(["--out", dir, "--force"], env());
        assert.equal(forced.code, 0, forced.stderr);
        assert.equal(declaredBy(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).filter((d) => d.type === "AvatarGroup").length, 4);
    });

    it("answers in one line: a rejected key, an unreachable API, no key, an unknown or public group, a bad flag", async () => {
        const cases: [string[], Record<string, string | undefined>, number, RegExp][] = [
            [["--out", path.join(tmp, "x1")], { HEYGEN_API_KEY: "sk-wrong-key-123", HEYGEN_API_BASE: emu.url }, 1, /HeyGen rejected the API key in HEYGEN_API_KEY \(401\) at http:\/\/127\.0\.0\.1:\d+: check the key/],
            [["--out", path.join(tmp, "x2")], { HEYGEN_API_KEY: KEY, HEYGEN_API_BASE: "http://127.0.0.1:1" }, 1, /cannot reach the HeyGen API at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): check HEYGEN_API_BASE/],
            [["--out", path.join(tmp, "x3")], { HEYGEN_API_BASE: emu.url }, 1, /HEYGEN_API_KEY is not set/],
            [["--out", path.join(tmp, "x4"), "--group", "public_group_1"], env(), 1, /--group public_group_1: not a private group of this account \(public avatars are never exported/],
            [["--out", path.join(tmp, "x5"), "--group", "nope"], env(), 1, /--group nope: not a private group/],
            [[], env(), 2, /--out DIR is required/],
            [["--out", path.join(tmp, "x6"), "--bogus"], env(), 2, /Unknown option '--bogus'/],
        ];
        for (const [argv, e, code, message] of cases) {
            const r = await runExport(argv, e);
            assert.equal(r.code, code, `${argv.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr.split("\n")[0], message);
            assert.ok(!r.stderr.includes("sk-wrong-key-123") && !r.stderr.includes(KEY), "no key in the message");
            assert.ok(!/^\s+at /m.test(r.stderr), "no stack trace");
        }
        for (const d of ["x1", "x2", "x3", "x4", "x5"]) assert.ok(!fs.existsSync(path.join(tmp, d)), `nothing written for ${d}`);
    });

    it("--snapshot writes the account as data, and an emulator seeded with it shows the same groups and looks", async () => {
        const file = path.join(tmp, "snap", "account.json");
        const r = await runExport(["--snapshot", file], env());
        assert.equal(r.code, 0, r.stderr);
        const text = fs.readFileSync(file, "utf8");
        assert.ok(!text.includes(KEY) && !text.includes("/consent/") && !text.includes(emu.url), "no key, consent link or URL of the account");
        assert.equal((await runExport(["--snapshot", file], env())).code, 1, "an existing file is kept without --force");
        const copy = await startEmulator({ apiKeys: ["another-key"], seed: file, timing: { photo: { mode: "seconds", seconds: 3600 } } });
        try {
            const view = async (base: string, key: string) => {
                const api = raw(base, key);
                const groups = (await api.get("/v3/avatars?ownership=private&limit=50")).body.data
                    .map((g: any) => [g.id, g.name, g.looks_count, g.consent_status, g.status]);
                const looks = (await api.get("/v3/avatars/looks?ownership=private&limit=50")).body.data
                    .map((l: any) => [l.id, l.name, l.group_id, l.avatar_type, l.status, l.error]);
                return { groups: groups.sort(), looks: looks.sort() };
            };
            assert.deepEqual(await view(copy.url, "another-key"), await view(emu.url, KEY));
            // Exported again from the copy: the same program, byte for byte.
            const fromCopy = await runExport(["--out", path.join(tmp, "from-copy")], { HEYGEN_API_KEY: "another-key", HEYGEN_API_BASE: copy.url });
            assert.equal(fromCopy.code, 0, fromCopy.stderr);
            const original = await runExport(["--out", path.join(tmp, "original")], env());
            assert.equal(original.code, 0);
            assert.equal(fs.readFileSync(path.join(tmp, "from-copy", "index.ts"), "utf8"), fs.readFileSync(path.join(tmp, "original", "index.ts"), "utf8"));
        } finally {
            await copy.stop();
        }
    });

    it("a seed that is not a snapshot is refused, naming the file and what is wrong", async () => {
        const table: [unknown, RegExp][] = [
            [{}, /not a snapshot written by `pulumi-heygen export --snapshot`/],
            [{ format: "heygen-account-snapshot", version: 2, groups: [] }, /snapshot version 2 is not supported/],
            [{ format: "heygen-account-snapshot", version: 1, groups: [{ id: "g", name: "G", looks: [] }] }, /groups\[0\] \(g\) has no looks/],
            [{ format: "heygen-account-snapshot", version: 1, groups: [{ id: "g", name: "G", looks: [{ id: "l", name: "L", avatar_type: "robot", status: null }] }] }, /avatar_type must be one of/],
        ];
        for (const [value, message] of table) {
            const r = parseSnapshot(value);
            assert.ok("problem" in r && message.test(r.problem), JSON.stringify(r));
        }
        const bad = path.join(tmp, "bad.json");
        fs.writeFileSync(bad, "{ not json");
        await assert.rejects(startEmulator({ seed: bad }), /^Error: --seed .*bad\.json: not JSON/);
        await assert.rejects(startEmulator({ seed: path.join(tmp, "missing.json") }), /--seed .*missing\.json: no such file/);
    });

    it("waits out 429s as HeyGen asks (Retry-After), and gives the same program", async () => {
        const api = raw(emu.url);
        await api.del("/_emulator/requests");
        assert.equal((await api.post("/_emulator/faults", { method: "GET", path: "/v3/avatars/looks", action: "error", status: 429, retryAfter: 1, times: 2 })).status, 200);
        try {
            const r = await runExport(["--out", path.join(tmp, "limited")], env());
            assert.equal(r.code, 0, r.stderr);
            const log = (await api.get("/_emulator/requests")).body.data as any[];
            assert.equal(log.filter((x) => x.status === 429).length, 2, "two 429s met");
            assert.equal(fs.readFileSync(path.join(tmp, "limited", "index.ts"), "utf8"), declaredOnce());
        } finally {
            await api.del("/_emulator/faults");
        }
    });

    it("heygen-emulator --seed: a file that is not a snapshot stops it with one line", async () => {
        const bad = path.join(tmp, "not-a-snapshot.json");
        fs.writeFileSync(bad, JSON.stringify({ groups: [] }));
        const cli = path.join(__dirname, "..", "..", "emulator", "dist", "emulator", "cli.js");
        const r = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
            execFile(process.execPath, [cli, "--port", "0", "--seed", bad], { timeout: 20_000 }, (e, _o, stderr) => resolve({ code: e ? (e as any).code : 0, stderr })));
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^heygen-emulator: --seed .*not-a-snapshot\.json: not a snapshot written by `pulumi-heygen export --snapshot`/);
    });
});

describe("export: scale", function () {
    this.timeout(120_000);

    it("exports 1,000 looks in 100 groups in a few seconds (the groups over two pages, one group's looks over three)", async () => {
        // Seeded from a snapshot (the emulator's own seeding), so only the export is timed: one group of 109 looks, 99 of 9.
        const groups = Array.from({ length: 100 }, (_, g) => ({
            id: `g${String(g).padStart(3, "0")}`, name: g % 10 === 0 ? "Presenter" : `Presenter ${g}`, created_at: 1_750_000_000 + g, gender: null,
            default_voice_id: null, consent_status: null,
            looks: Array.from({ length: g === 0 ? 109 : 9 }, (_, l) => ({
                id: `g${g}-l${l}`, name: l === 0 ? (g % 10 === 0 ? "Presenter" : `Presenter ${g}`) : `Look ${l % 5}`, avatar_type: l % 4 === 3 ? "digital_twin" : "photo_avatar",
                status: "completed", error: null, gender: null, tags: [], image_width: 1024, image_height: 1024,
            })),
        }));
        const emu = await startEmulator({ apiKeys: [KEY], seed: { format: "heygen-account-snapshot", version: 1, groups } as any });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-export-scale-"));
        try {
            // Each request takes 50 ms, as in the benchmark (npm run bench).
            assert.equal((await raw(emu.url).post("/_emulator/faults", { path: "/v3", action: "latency", latencyMs: 50 })).status, 200);
            const started = Date.now();
            const r = await runExport(["--out", path.join(dir, "p")], { HEYGEN_API_KEY: KEY, HEYGEN_API_BASE: emu.url });
            const ms = Date.now() - started;
            assert.equal(r.code, 0, r.stderr);
            const requests = emu.requests.filter((x) => x.method === "GET").length;
            console.log(`      1,000 looks in 100 groups, 50 ms a request: exported in ${ms} ms (${requests} GETs)`);
            assert.ok(ms < 10_000, `${ms} ms`);
            const declared = declaredBy(fs.readFileSync(path.join(dir, "p", "index.ts"), "utf8"));
            assert.equal(declared.length, 1000 - 100 + 100, "a resource per group and per look after the first");
            assert.equal(new Set(declared.map((d) => d.name)).size, 1000, "unique logical names");
            assert.deepEqual(declared.filter((d) => d.type === "AvatarGroup").map((d) => d.args.adoptGroupId), groups.map((g) => g.id), "oldest first");
            assert.equal(declared.filter((d) => d.args.groupId === "<groupId of presenter>").length, 108, "the big group's looks, all pages");
        } finally {
            await emu.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
