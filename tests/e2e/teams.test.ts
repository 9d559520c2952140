// A team on one estate: state in a PostgreSQL DIY backend (`postgres://`, Pulumi >= 3.176), two people
// with two working copies of the same program and each their own HeyGen key, through the real engine, a
// real PostgreSQL server (tests/support/postgres.ts) and the emulator. What the README's "Teams" section
// says, run as written:
//   - two `pulumi up` at once on one stack: one runs, the other stops on the lock having changed nothing,
//     then runs and finds nothing to do; every look exists once;
//   - a run SIGKILLed while holding the lock: the other person sees who holds it, `pulumi cancel`,
//     `pulumi refresh --clear-pending-creates`, `pulumi up`: the declared estate, no duplicate;
//   - two stacks (qa, prod) at once from the two copies: both succeed;
//   - a copy's `preview` and `refresh` on state the other wrote: no change, no error.
import { strict as assert } from "assert";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, summarizeEvents } from "../support/engine";
import { http as raw } from "../support/http";
import { startPostgres, type Postgres } from "../support/postgres";
import { MARKER_VAR, killMarkedProcesses, markedProcesses, startCommand, waitForNoMarkedProcesses } from "../support/processes";

const PROJECT = "heygen-team";
const KEYS = { alice: "key-of-alice", bob: "key-of-bob" } as const;
// Names carry the stack, so the stacks' objects can be told apart in the one HeyGen account.
const DECLARED = (s: string) => ({
    groups: [`${s} Ava`, `${s} Ben`],
    looks: [`${s} Ava - headshot`, `${s} Ava - office`, `${s} Ben - headshot`, `${s} Ben - studio`, `${s} Ben - painted`],
});
// Plain JavaScript: no TypeScript compile in each engine run.
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const heygen = require("pulumi-heygen");
const s = pulumi.getStack();
const url = (n) => "https://cdn.example.com/" + n;
const ava = new heygen.AvatarGroup("ava", { name: s + " Ava", firstLook: { type: "photo", name: s + " Ava - headshot", image: { url: url("ava.jpg") } } });
new heygen.PhotoLook("ava-office", { groupId: ava.groupId, name: s + " Ava - office", image: { url: url("ava-office.jpg") } });
const ben = new heygen.AvatarGroup("ben", { name: s + " Ben", firstLook: { type: "photo", name: s + " Ben - headshot", image: { url: url("ben.jpg") } } });
const studio = new heygen.DigitalTwinLook("ben-studio", { groupId: ben.groupId, name: s + " Ben - studio", footage: { url: url("ben-studio.mp4") } });
new heygen.ConsentRequest("ben-consent", { groupId: studio.groupId });
new heygen.PromptLook("ben-painted", { groupId: ben.groupId, name: s + " Ben - painted", prompt: "Ben in soft light" });
exports.groups = [ava.groupId, ben.groupId];
`;
const LOCKED = /the stack is currently locked by 1 lock\(s\)/;

describe("teams: one estate on a PostgreSQL backend from two working copies (real engine, real PostgreSQL, emulator)", function () {
    this.timeout(600_000);
    let pg: Postgres;
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    let alice: CliProject;
    let bob: CliProject;
    const markers: string[] = [];
    const timings: string[] = [];
    const started = Date.now();
    let lockMessage = "";

    before(async () => {
        const t0 = Date.now();
        pg = await startPostgres();
        timings.push(`PostgreSQL started ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        emu = await startEmulator({ apiKeys: [KEYS.alice, KEYS.bob], timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
        // Two people, two clones: the same project, the same backend URL and passphrase, each their own key
        // from their own secret store (only in the environment, never in config).
        const copy = (who: keyof typeof KEYS) => CliProject.create(`teams-${who}`, {
            "Pulumi.yaml": `name: ${PROJECT}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n`,
            "index.js": PROGRAM,
        }, { PULUMI_BACKEND_URL: pg.url, HEYGEN_API_KEY: KEYS[who], HEYGEN_API_BASE: emu.url });
        alice = copy("alice");
        bob = copy("bob");
    });
    after(async () => {
        for (const m of markers) killMarkedProcesses(m);
        await emu?.stop();
        const t0 = Date.now();
        pg?.stop();
        timings.push(`PostgreSQL stopped ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        alice?.remove();
        bob?.remove();
        console.log(`      teams: ${pg?.version}; ${timings.join(", ")}; ${Math.round((Date.now() - started) / 1000)} s in all`);
        if (lockMessage) console.log(`      what the second person saw: ${lockMessage}`);
    });

    function start(p: CliProject, args: string[]) {
        const marker = `teams-${process.pid}-${markers.length}`;
        markers.push(marker);
        const run = startCommand("pulumi", [...args, "--non-interactive"], p.dir, { ...p.env, [MARKER_VAR]: marker });
        return { ...run, marker };
    }
    const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        try {
            return await f();
        } finally {
            timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        }
    };
    const up = (p: CliProject, stack: string) => timed(`up ${stack}`, () => p.apply("up", ["-s", stack]));
    const failed = (r: { code: number | null; stdout: string; stderr: string }, what: string) => `${what}: exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`;

    /** The stack's lock rows in the backend's table (the DIY backend keeps `.pulumi/locks/...` keys there). */
    const locks = (stack: string) => pg.query(`SELECT key, data FROM pulumi_state WHERE key LIKE '%.pulumi/locks/%/${PROJECT}/${stack}/%'`);

    async function waitFor(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
        const deadline = Date.now() + ms;
        while (!cond()) {
            assert.ok(Date.now() < deadline, `${what}: not within ${ms / 1000} s`);
            await new Promise((r) => setTimeout(r, 100));
        }
    }

    type Obj = { id: string; name: string; seq: number; public: boolean };
    /**
     * HeyGen holds exactly the stack's declared groups and looks, each once, and made no other for it since
     * seq0 (objects of one stack are told apart by their names; a create a killed run left in flight may
     * land late, so it is counted by the object's own sequence number, not by the emulator's counter).
     */
    async function audit(stack: string, seq0: number): Promise<void> {
        const state = { groups: Object.values(emu.store.state.groups) as Obj[], looks: Object.values(emu.store.state.looks) as Obj[] };
        const mine = (os: Obj[]) => os.filter((o) => !o.public && o.name.startsWith(`${stack} `));
        const names = (os: Obj[]) => mine(os).map((o) => o.name).sort();
        const want = DECLARED(stack);
        assert.deepEqual(names(state.groups), [...want.groups].sort(), `stack ${stack}: exactly the declared groups, each once`);
        assert.deepEqual(names(state.looks), [...want.looks].sort(), `stack ${stack}: exactly the declared looks, each once`);
        const created = [...mine(state.groups), ...mine(state.looks)].filter((o) => o.seq > seq0).length;
        assert.equal(created, want.groups.length + want.looks.length, `stack ${stack}: every declared object created once since the scenario began`);
    }

    /** Neither key is in the backend: each person's key stays in their own environment. */
    function assertNoKeyInBackend(): void {
        const rows = pg.query("SELECT key FROM pulumi_state WHERE data::text LIKE '%key-of-%'");
        assert.deepEqual(rows, [], "no HEYGEN_API_KEY in the shared state");
    }

    it("two `up` at once on one stack: one runs, the other stops on the lock and changes nothing, then finds nothing to do", async () => {
        await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant", create_ms: 2500 });
        const seq0 = emu.store.state.seq;
        await alice.ok(["stack", "init", "dev"]);
        const a = start(alice, ["up", "--yes", "--skip-preview", "--json", "-s", "dev"]);
        // Bob starts while Alice's run holds the lock (two runs started in the very same instant may both
        // see the other's lock and both stop: the backend checks, writes, checks again; nothing is changed).
        await waitFor("Alice's up takes the lock", () => locks("dev").length === 1);
        const lockRow = locks("dev")[0];
        const b = await timed("up (locked out)", () => bob.run(["up", "--yes", "--skip-preview", "--json", "-s", "dev"]));
        assert.notEqual(b.code, 0, failed(b, "Bob's up should stop on the lock"));
        assert.match(b.stdout + b.stderr, LOCKED);
        assert.match(b.stdout + b.stderr, /created by \S+@\S+ \(pid \d+\)/, "the lock says who holds it");
        lockMessage = /the stack is currently locked[^\n]*\n[^\n]*/.exec(b.stdout + b.stderr)?.[0] ?? "";
        assert.equal(summarizeEvents(b).events.filter((e) => e.resourcePreEvent).length, 0, "Bob's run planned no step");
        assert.deepEqual(locks("dev"), [lockRow], "Bob's run left Alice's lock alone and took none");
        const ra = summarizeEvents(await timed("up (holding the lock)", () => a.done));
        assert.equal(ra.result, "succeeded", failed(ra, "Alice's up"));
        assert.deepEqual(locks("dev"), [], "the lock is released");
        // Bob runs again: nothing to do.
        const again = await up(bob, "dev");
        assert.equal(again.result, "succeeded", failed(again, "Bob's second up"));
        assert.deepEqual(Object.keys(again.changes).filter((k) => k !== "same"), [], `Bob's second up changed nothing: ${JSON.stringify(again.changes)}`);
        await audit("dev", seq0);
        assertNoKeyInBackend();
    });

    it("the other copy's preview and refresh on state it did not write: no change, no error", async () => {
        const seq0 = emu.store.state.seq;
        const preview = await timed("preview (other copy)", () => bob.preview(["-s", "dev"]));
        assert.equal(preview.exitCode, 0, JSON.stringify(preview.diagnostics));
        assert.deepEqual(Object.keys(preview.changeSummary).filter((k) => k !== "same"), [], `preview: ${JSON.stringify(preview.changeSummary)}`);
        assert.deepEqual((preview.diagnostics ?? []).filter((d) => d.severity === "error" || d.severity === "warning"), []);
        const refresh = await timed("refresh (other copy)", () => bob.apply("refresh", ["-s", "dev"]));
        assert.equal(refresh.result, "succeeded", failed(refresh, "refresh"));
        assert.deepEqual(Object.keys(refresh.changes).filter((k) => k !== "same"), [], `refresh: ${JSON.stringify(refresh.changes)}`);
        assert.deepEqual(refresh.diagnostics.filter((d) => d.severity === "error" || d.severity === "warning"), []);
        // And back in Alice's copy, after Bob's refresh: still nothing to do.
        const back = await timed("preview (first copy)", () => alice.preview(["-s", "dev"]));
        assert.deepEqual(Object.keys(back.changeSummary).filter((k) => k !== "same"), [], `preview: ${JSON.stringify(back.changeSummary)}`);
        assert.equal(emu.store.state.seq, seq0, "nothing was created");
    });

    it("a run killed while holding the lock: the other person sees it, `pulumi cancel`, refresh, up: the declared estate, no duplicate", async () => {
        await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant", create_ms: 1500 });
        const seq0 = emu.store.state.seq;
        await alice.ok(["stack", "init", "staging"]);
        const a = start(alice, ["up", "--yes", "--skip-preview", "-s", "staging"]);
        // Mid-run: a group created, its looks on the way, every process of the run up.
        await waitFor("Alice's up creates its first group", () => emu.store.state.seq - seq0 >= 2 && markedProcesses(a.marker).some((p) => /dynamic-provider/.test(p.cmdline)));
        a.child.kill("SIGKILL");
        await a.done;
        const left = await waitForNoMarkedProcesses(a.marker, 10_000);
        assert.deepEqual(left.map((p) => p.cmdline), [], "no process of the killed run is left");
        assert.equal(locks("staging").length, 1, "the killed run's lock is still in the backend");

        // Bob: the lock, with who holds it.
        const blocked = await bob.run(["up", "--yes", "--skip-preview", "-s", "staging"]);
        assert.notEqual(blocked.code, 0);
        assert.match(blocked.stdout + blocked.stderr, LOCKED);
        assert.match(blocked.stdout + blocked.stderr, /pulumi cancel/, "the message names the way out");
        // The way out, as the README says: make sure nobody runs, then cancel, refresh, up.
        await timed("cancel", () => bob.ok(["cancel", "--yes", "-s", "staging"]));
        assert.deepEqual(locks("staging"), [], "`pulumi cancel` removed the lock row");
        const exported = JSON.parse((await bob.ok(["stack", "export", "-s", "staging"])).stdout);
        const pending = exported.deployment.pending_operations ?? [];
        timings.push(`pending creates after the kill: ${pending.length}`);
        const refresh = await timed("refresh", () => bob.apply("refresh", ["-s", "staging", ...(pending.length ? ["--clear-pending-creates"] : [])]));
        assert.equal(refresh.result, "succeeded", failed(refresh, "refresh"));
        const done = await up(bob, "staging");
        assert.equal(done.result, "succeeded", failed(done, "up after the kill"));
        await audit("staging", seq0);
        const again = await bob.preview(["-s", "staging"]);
        assert.deepEqual(Object.keys(again.changeSummary).filter((k) => k !== "same"), [], `nothing left to do: ${JSON.stringify(again.changeSummary)}`);
    });

    it("two stacks at once (qa from one copy, prod from the other): both succeed", async () => {
        await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant", create_ms: 300 });
        const seq0 = emu.store.state.seq;
        await alice.ok(["stack", "init", "qa"]);
        await bob.ok(["stack", "init", "prod"]);
        const [qa, prod] = await timed("up qa and prod at once", () => Promise.all([alice.apply("up", ["-s", "qa"]), bob.apply("up", ["-s", "prod"])]));
        assert.equal(qa.result, "succeeded", failed(qa, "qa"));
        assert.equal(prod.result, "succeeded", failed(prod, "prod"));
        await audit("qa", seq0);
        await audit("prod", seq0);
        const checkpoints = pg.query(`SELECT key FROM pulumi_state WHERE key LIKE '%.pulumi/stacks/${PROJECT}/%.json'`).map((k) => k.replace(/^.*\//, "")).sort();
        assert.deepEqual(checkpoints, ["dev.json", "prod.json", "qa.json", "staging.json"], "the team's four stacks, one checkpoint each, in the one backend");
        // `pulumi stack ls` with the README's workaround: v3.274.1's postgres backend has a pool of 2 x
        // GOMAXPROCS connections and hangs listing that many stacks (4 stacks on 2 cores hung for minutes).
        const ls = await timed("stack ls", () => bob.ok(["stack", "ls", "--json"], { env: { GOMAXPROCS: "64" } }));
        assert.deepEqual((JSON.parse(ls.stdout) as { name: string }[]).map((x) => x.name).sort(), ["dev", "prod", "qa", "staging"], "both copies see the team's stacks");
        assertNoKeyInBackend();
    });
});

