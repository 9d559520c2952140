// Chaos through the real engine: an estate of 12 looks in 3 groups, applied under seeded faults (latency,
// 429, 5xx, connections dropped before and after the create was applied, creates slower than the
// client's timeout, a server that ignores Idempotency-Key), with `pulumi up` killed by SIGINT and
// SIGKILL at several points. After each kill, no process of the run may remain; after the recovery a
// user would do (`pulumi cancel` for the lock, `refresh`, `up`), HeyGen must hold exactly the declared
// estate: every look once, no duplicate ever created, nothing the stack does not know about.
//
//   CHAOS_SEED=7 npx mocha tests/e2e/chaos.test.ts      # another seed: faults fire elsewhere, reproducibly
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, summarizeEvents, type RunResult } from "../support/engine";
import { http as raw } from "../support/http";
import { MARKER_VAR, killMarkedProcesses, markedProcesses, startCommand, waitForNoMarkedProcesses, type ProcessInfo } from "../support/processes";

const SEED = Number(process.env.CHAOS_SEED ?? 20261129);
/** How long the processes of an ended or killed run may take to go. */
const STRAY_GRACE_MS = 10_000;
/** The provider's timeout for writes in the slow-create scenarios (the default is 120 s). */
const SHORT_WRITE_TIMEOUT_SECONDS = 1.5;
const SLOW_CREATE_MS = 2500;
const WRITE_TIMEOUT_VAR = "HEYGEN_WRITE_TIMEOUT_SECONDS";

// The declared estate: 3 groups, 12 looks of every kind, all created in one `up` (the groups first, then
// 9 looks in parallel).
type LookDecl = { name: string; group: string; kind: "photo" | "prompt" | "digital_twin"; first?: boolean };
const GROUPS = ["Ava", "Ben", "Cleo"];
const LOOKS: LookDecl[] = [
    { group: "Ava", name: "Ava - headshot", kind: "photo", first: true },
    { group: "Ava", name: "Ava - office", kind: "photo" },
    { group: "Ava", name: "Ava - street", kind: "photo" },
    { group: "Ava", name: "Ava - painted", kind: "prompt" },
    { group: "Ben", name: "Ben - headshot", kind: "photo", first: true },
    { group: "Ben", name: "Ben - studio", kind: "digital_twin" },
    { group: "Ben", name: "Ben - beach", kind: "photo" },
    { group: "Ben", name: "Ben - sketch", kind: "prompt" },
    // A prompt look cannot be renamed, so a prompt first look bears the group's name.
    { group: "Cleo", name: "Cleo", kind: "prompt", first: true },
    { group: "Cleo", name: "Cleo - studio", kind: "digital_twin" },
    { group: "Cleo", name: "Cleo - garden", kind: "photo" },
    { group: "Cleo", name: "Cleo - noir", kind: "prompt" },
];
const API_TYPE = { photo: "photo_avatar", prompt: "photo_avatar", digital_twin: "digital_twin" } as const;

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-");
const fileOf = (l: LookDecl) =>
    l.kind === "photo" ? `image: { url: "https://cdn.example.com/${slug(l.name)}.jpg" }`
        : l.kind === "digital_twin" ? `footage: { url: "https://cdn.example.com/${slug(l.name)}.mp4" }`
            : `prompt: "${l.name} in soft light"`;
// Plain JavaScript: no TypeScript compile in each of the ~40 engine runs of the suite.
const PROGRAM = `
const heygen = require("pulumi-heygen");
const groups = {};
const looks = {};
${GROUPS.map((g) => {
        const first = LOOKS.find((l) => l.group === g && l.first)!;
        const name = first.name === g ? "" : `name: ${JSON.stringify(first.name)}, `;
        return `groups[${JSON.stringify(g)}] = new heygen.AvatarGroup(${JSON.stringify(slug(g))}, { name: ${JSON.stringify(g)}, firstLook: { type: "${first.kind}", ${name}${fileOf(first)} } });`;
    }).join("\n")}
${LOOKS.filter((l) => !l.first).map((l) => {
        const cls = l.kind === "photo" ? "PhotoLook" : l.kind === "prompt" ? "PromptLook" : "DigitalTwinLook";
        return `looks[${JSON.stringify(l.name)}] = new heygen.${cls}(${JSON.stringify(slug(l.name))}, { groupId: groups[${JSON.stringify(l.group)}].groupId, name: ${JSON.stringify(l.name)}, ${fileOf(l)} });`;
    }).join("\n")}
exports.groupIds = Object.fromEntries(Object.entries(groups).map(([k, g]) => [k, g.groupId]));
`;

type FaultSpec = { method?: string; path: string; action: "latency" | "error" | "drop" | "drop_after"; latencyMs?: number; status?: number; retryAfter?: number; probability?: number };
interface Kill {
    signal: "SIGINT" | "SIGKILL";
    /** Kill once this many objects (groups and looks) were created in HeyGen during this run… */
    afterCreates?: number;
    /** …or once the emulator answered this many API requests during this run. */
    afterRequests?: number;
}
interface Scenario {
    name: string;
    kills: Kill[];
    faults?: FaultSpec[];
    /** How long HeyGen takes to process a create (the emulator's create_ms). */
    createMs: number;
    /** Creates take longer than the client's timeout: the provider runs with SHORT_WRITE_TIMEOUT_SECONDS. */
    slowCreates?: boolean;
    /** The server ignores Idempotency-Key. */
    ignoreKeys?: boolean;
}

const latency = (ms: number, probability = 0.5): FaultSpec => ({ path: "/v3", action: "latency", latencyMs: ms, probability });
const SCENARIOS: Scenario[] = [
    { name: "SIGKILL while the groups are being created, with latency", createMs: 1500, kills: [{ signal: "SIGKILL", afterCreates: 1 }], faults: [latency(200)] },
    { name: "SIGINT mid-run under 429s and 503s", createMs: 700, kills: [{ signal: "SIGINT", afterCreates: 8 }],
        faults: [{ method: "POST", path: "/v3/avatars", action: "error", status: 429, retryAfter: 1, probability: 0.3 }, { path: "/v3", action: "error", status: 503, probability: 0.1 }] },
    { name: "SIGKILL with connections dropped after creates were applied", createMs: 700, kills: [{ signal: "SIGKILL", afterCreates: 9 }],
        faults: [{ method: "POST", path: "/v3/avatars", action: "drop_after", probability: 0.3 }, latency(100, 0.3)] },
    { name: "SIGKILL with connections dropped before handling and 500s on every route", createMs: 700, kills: [{ signal: "SIGKILL", afterCreates: 5 }],
        faults: [{ path: "/v3", action: "drop", probability: 0.15 }, { path: "/v3", action: "error", status: 500, probability: 0.15 }] },
    { name: "SIGINT with creates slower than the client's timeout", createMs: SLOW_CREATE_MS, slowCreates: true, kills: [{ signal: "SIGINT", afterCreates: 5 }] },
    { name: "SIGKILL, the server ignores Idempotency-Key, connections dropped after apply", createMs: 700, ignoreKeys: true, kills: [{ signal: "SIGKILL", afterCreates: 7 }],
        faults: [{ method: "POST", path: "/v3/avatars", action: "drop_after", probability: 0.3 }] },
    { name: "SIGKILL, the server ignores Idempotency-Key, creates slower than the client's timeout", createMs: SLOW_CREATE_MS, slowCreates: true, ignoreKeys: true,
        kills: [{ signal: "SIGKILL", afterCreates: 10 }] },
    { name: "SIGKILL twice (the run and its first re-run), then SIGINT, keys ignored, 5xx and drops", createMs: 700, ignoreKeys: true,
        // The re-runs' kill points are early: how much is left for them depends on how far the killed runs got
        // (one third run needed only 8 requests in all).
        kills: [{ signal: "SIGKILL", afterCreates: 4 }, { signal: "SIGKILL", afterRequests: 6 }, { signal: "SIGINT", afterRequests: 4 }],
        faults: [{ path: "/v3", action: "error", status: 502, probability: 0.1 }, { method: "POST", path: "/v3/avatars", action: "drop_after", probability: 0.2 }] },
];

/** The three kinds of process a run has besides `pulumi` itself. */
const KINDS: Record<string, RegExp> = { "language host": /langhost\.js/, program: /@pulumi[/\\]pulumi[/\\]cmd[/\\]run\b/, "dynamic provider": /cmd[/\\]dynamic-provider/ };
const kindsOf = (ps: ProcessInfo[]) => Object.keys(KINDS).filter((k) => ps.some((p) => KINDS[k].test(p.cmdline)));

describe("chaos: killed runs under seeded faults (real engine, emulator)", function () {
    this.timeout(900_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    const totals = { scenarios: 0, kills: 0, faults: 0, creates: 0, duplicates: 0, orphans: 0, stray: 0, slowestExitMs: 0 };
    const started = Date.now();
    /** Per scenario: how long each engine command took, printed after it. */
    let timings: string[] = [];
    const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        try {
            return await f();
        } finally {
            timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        }
    };
    let markers = 0;
    const usedMarkers: string[] = [];
    const newMarker = () => {
        const m = `chaos-${process.pid}-${++markers}`;
        usedMarkers.push(m);
        return m;
    };

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
    });
    after(async () => {
        for (const m of usedMarkers) killMarkedProcesses(m); // hygiene only: the tests assert there are none
        await emu?.stop();
        console.log(`      chaos summary (seed ${SEED}): scenarios ${totals.scenarios}, kills ${totals.kills}, faults injected ${totals.faults}, ` +
            `creates ${totals.creates}, duplicates ${totals.duplicates}, orphans ${totals.orphans}, stray processes ${totals.stray} ` +
            `(the slowest run's processes gone ${(totals.slowestExitMs / 1000).toFixed(1)} s after it ended), ${Math.round((Date.now() - started) / 1000)} s`);
    });

    async function resetEmulator(s: Pick<Scenario, "faults" | "createMs" | "ignoreKeys">, seed: number): Promise<number> {
        await control.post("/_emulator/reset");
        await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant", create_ms: s.createMs });
        const idem = await control.put("/_emulator/idempotency", { ignoreKeys: !!s.ignoreKeys });
        assert.equal(idem.status, 200, `the emulator cannot ignore Idempotency-Key: ${idem.text}`);
        for (const [i, f] of (s.faults ?? []).entries()) {
            const r = await control.post("/_emulator/faults", { ...f, seed: seed * 31 + i });
            assert.ok(r.status < 300, `fault rule rejected: ${r.text}`);
        }
        return emu.store.state.seq;
    }

    const faultsFired = async () => ((await control.get("/_emulator/faults")).body.data as { matched: number }[]).reduce((n, r) => n + r.matched, 0);
    const requestCount = () => emu.requests.length;

    function project(name: string, s: Pick<Scenario, "slowCreates">): CliProject {
        const yaml = `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`;
        return CliProject.create(name, { "Pulumi.yaml": yaml, "index.js": PROGRAM }, {
            HEYGEN_API_KEY: emu.apiKey,
            HEYGEN_API_BASE: emu.url,
            ...(s.slowCreates ? { [WRITE_TIMEOUT_VAR]: String(SHORT_WRITE_TIMEOUT_SECONDS) } : {}),
        });
    }

    /** Runs `pulumi ARGS` with a fresh marker, and checks that none of its processes outlives it. */
    async function pulumi(p: CliProject, args: string[]): Promise<RunResult> {
        const marker = newMarker();
        const run = startCommand("pulumi", [...args, "--non-interactive"], p.dir, { ...p.env, [MARKER_VAR]: marker });
        const r = await timed(args[0], () => run.done);
        await expectNoStray(marker, `pulumi ${args[0]}`);
        return r;
    }

    async function expectNoStray(marker: string, what: string): Promise<void> {
        const t0 = Date.now();
        const left = await waitForNoMarkedProcesses(marker, STRAY_GRACE_MS);
        totals.slowestExitMs = Math.max(totals.slowestExitMs, Date.now() - t0);
        totals.stray += left.length;
        if (left.length) killMarkedProcesses(marker);
        assert.deepEqual(left.map((x) => x.cmdline), [], `processes of ${what} still running ${STRAY_GRACE_MS / 1000} s after it ended`);
    }

    /** `pulumi up`, signalled at the kill point while it is mid-run; then no process of it may remain. */
    async function killedUp(p: CliProject, kill: Kill, baseSeq: () => number): Promise<RunResult> {
        const marker = newMarker();
        const seq0 = emu.store.state.seq;
        const req0 = requestCount();
        const run = startCommand("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], p.dir, { ...p.env, [MARKER_VAR]: marker });
        const t0 = Date.now();
        const deadline = Date.now() + 120_000;
        let procs: ProcessInfo[] = [];
        for (;;) {
            if (run.child.exitCode !== null || run.child.signalCode !== null) {
                const r = await run.done;
                assert.fail(`pulumi up ended before the kill point (${JSON.stringify(kill)}; created ${emu.store.state.seq - seq0}, ` +
                    `requests ${requestCount() - req0}): exit ${r.code}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
            }
            const reached = kill.afterCreates !== undefined ? emu.store.state.seq - seq0 >= kill.afterCreates : requestCount() - req0 >= kill.afterRequests!;
            if (reached) {
                procs = markedProcesses(marker);
                if (kindsOf(procs).length === Object.keys(KINDS).length) break;
            }
            assert.ok(Date.now() < deadline, `kill point ${JSON.stringify(kill)} not reached in 120 s (created ${emu.store.state.seq - baseSeq()})`);
            await new Promise((r) => setTimeout(r, 50));
        }
        // The run is mid-flight: the engine, the language host, the program and the provider are all up.
        run.child.kill(kill.signal);
        totals.kills++;
        timings.push(`up killed (${kill.signal}) ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        if (kill.signal === "SIGINT") {
            // Ctrl-C lets the steps in flight finish; give it time, then stop waiting.
            const timer = setTimeout(() => run.child.kill("SIGKILL"), 90_000);
            await run.done.finally(() => clearTimeout(timer));
        }
        const r = await run.done;
        if (kill.signal === "SIGINT") timings.push(`(exited ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
        await expectNoStray(marker, `pulumi up (${kill.signal})`);
        return r;
    }

    const lockFiles = (p: CliProject) => {
        const dir = path.join(p.dir, ".state", ".pulumi", "locks");
        const all: string[] = [];
        const walk = (d: string) => fs.existsSync(d) && fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : all.push(e.name)));
        walk(dir);
        return all;
    };

    /** What the README tells a user to do after a killed `up`: remove the lock, then `up` as usual. */
    async function clearLock(p: CliProject): Promise<void> {
        if (lockFiles(p).length) {
            const r = await pulumi(p, ["cancel", "--yes"]);
            assert.equal(r.code, 0, `pulumi cancel: ${r.stderr}`);
        }
    }

    type Obj = { id: string; name: string; group_id?: string; avatar_type?: string; public: boolean };
    /** Counts into the totals first, then asserts: the summary line tells the truth about a failed run too. */
    async function audit(p: CliProject, seq0: number): Promise<void> {
        const state = (await control.get("/_emulator/state")).body as { groups: Obj[]; looks: Obj[] };
        const groups = state.groups.filter((g) => !g.public);
        const looks = state.looks.filter((l) => !l.public);
        const exported = await p.exportState() as any;
        const resources = (exported.deployment.resources as any[]).filter((r) => r.type.includes("heygen"));
        const stateIds = new Set<string>();
        for (const r of resources) {
            for (const k of ["groupId", "firstLookId", "lookId"]) if (r.outputs?.[k]) stateIds.add(r.outputs[k]);
        }
        const creates = emu.store.state.seq - seq0;
        const byName = new Map<string, number>();
        for (const l of looks) byName.set(l.name, (byName.get(l.name) ?? 0) + 1);
        const orphans = [...groups, ...looks].filter((o) => !stateIds.has(o.id));
        // Every object HeyGen created beyond the declared ones is a duplicate, even one deleted since.
        const duplicates = creates - (GROUPS.length + LOOKS.length);
        totals.creates += creates;
        totals.duplicates += Math.max(0, duplicates);
        totals.orphans += orphans.length;

        const pending = (exported.deployment.pending_operations ?? []).map((o: any) => `${o.type} ${o.resource?.urn}`);
        const present = `HeyGen holds: ${[...groups, ...looks].map((o) => o.name).sort().join(", ")}`;
        assert.deepEqual(pending, [], "no pending operations left in the state");
        assert.deepEqual(orphans.map((o) => o.name), [], `every object in HeyGen is in the stack's state (no orphans); ${present}`);
        assert.deepEqual([...byName].filter(([, n]) => n > 1), [], `no look twice in HeyGen; ${present}`);
        assert.deepEqual(groups.map((g) => g.name).sort(), [...GROUPS].sort(), "exactly the declared groups");
        const groupName = new Map(groups.map((g) => [g.id, g.name]));
        assert.deepEqual(looks.map((l) => `${groupName.get(l.group_id!)}/${l.name}/${l.avatar_type}`).sort(),
            LOOKS.map((l) => `${l.group}/${l.name}/${API_TYPE[l.kind]}`).sort(), "exactly the declared looks, each in its group");
        assert.equal(resources.length, LOOKS.length, "one resource per group and per look beyond the first");
        assert.ok(resources.every((r) => r.id), "every resource recorded with its id");
        assert.equal(duplicates, 0, `HeyGen created ${creates} objects for ${GROUPS.length + LOOKS.length} declared`);
    }

    describe("processes end with the engine", () => {
        for (const signal of ["SIGKILL", "SIGINT"] as const) {
            it(`${signal} of pulumi up mid-create: the language host, the program and the provider are gone within ${STRAY_GRACE_MS / 1000} s`, async () => {
                await resetEmulator({ createMs: 3000 }, SEED);
                const seq0 = emu.store.state.seq;
                const p = project(`chaos-proc-${signal.toLowerCase()}`, {});
                try {
                    await p.ok(["stack", "init", "dev"]);
                    await killedUp(p, { signal, afterCreates: 1 }, () => seq0);
                } finally {
                    p.remove();
                }
            });
        }
    });

    describe("scenarios", () => {
        SCENARIOS.forEach((s, i) => {
            it(`${i + 1}. ${s.name}: cancel, refresh and up leave exactly the declared estate`, async () => {
                const seed = SEED + i;
                const seq0 = await resetEmulator(s, seed);
                timings = [];
                const t0 = Date.now();
                const p = project(`chaos-${i + 1}`, s);
                let passed = false;
                try {
                    await p.ok(["stack", "init", "dev"]);
                    for (const kill of s.kills) {
                        await clearLock(p);
                        await killedUp(p, kill, () => seq0);
                    }
                    // The recovery, as the README tells a user, under the same faults: the lock, the pending
                    // creates the engine cannot resolve by itself (the provider adopts what they made), refresh, up.
                    await clearLock(p);
                    const pending = ((await p.exportState()) as any).deployment.pending_operations ?? [];
                    const refresh = summarizeEvents(await pulumi(p, ["refresh", "--yes", "--skip-preview", "--json", ...(pending.length ? ["--clear-pending-creates"] : [])]));
                    assert.equal(refresh.result, "succeeded", `refresh: ${refresh.stdout.slice(-3000)}\n${refresh.stderr.slice(-2000)}`);
                    const up = summarizeEvents(await pulumi(p, ["up", "--yes", "--skip-preview", "--json"]));
                    assert.equal(up.result, "succeeded", `up: ${up.stdout.slice(-3000)}\n${up.stderr.slice(-2000)}`);
                    totals.scenarios++;
                    // Slow creates count as faults too: each one outlasts the client's timeout.
                    const fired = await faultsFired();
                    const posts = emu.requests.filter((r) => r.method === "POST" && r.path === "/v3/avatars");
                    totals.faults += fired + (s.slowCreates ? posts.length : 0);
                    await audit(p, seq0);
                    // The faults really happened (a scenario that injected nothing would prove nothing).
                    if (s.faults?.length) assert.ok(fired > 0, "no fault fired");
                    // (Slow creates outlast the client's timeout by construction: create_ms > the timeout. What
                    // follows a timeout varies with the machine's speed: the create sent again with its key,
                    // answered 409 or replayed, or the look found in HeyGen first; so it is not asserted here.)
                    passed = true;
                } finally {
                    console.log(`        ${((Date.now() - t0) / 1000).toFixed(0)} s: ${timings.join(", ")}`);
                    // CHAOS_KEEP=1 keeps a failed scenario's project and state for a look.
                    if (passed || !process.env.CHAOS_KEEP) p.remove();
                    else console.log(`      kept ${p.dir}`);
                }
            });
        });
    });
});
