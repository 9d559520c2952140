// Issue 12's scenarios: no avatar leaked, duplicated or destroyed by surprise. The pure decisions (the
// create key, which found object is ours, which looks a group delete takes along) as tables; then the
// handlers against the emulator over HTTP, with faults, and with the emulator honouring Idempotency-Key
// and ignoring it (`PUT /_emulator/idempotency {"ignoreKeys": true}`): the same tests pass both ways.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { configure, handlers, run } from "../../provider/handlers";
import { unmanagedLooks } from "../../provider/resources/avatarGroup";
import { PartialCreateError } from "../../provider/lifecycle/common";
import { HeyGenClient } from "../../provider/client";
import { CLOCK_SKEW_S, createKey, createOnce, journal, pickFound, stableJson } from "../../provider/lifecycle/createOnce";
import { forgetProcess } from "../../provider/memory";
import { http as raw } from "../support/http";

describe("createOnce: decisions (table)", () => {
    it("derives the same key from the same identity and inputs, whatever the key order", () => {
        const a = createKey("p/dev/heygen:PhotoLook/casual", { name: "Casual", groupId: "g1", image: { url: "u", mediaType: "image/png" } });
        const b = createKey("p/dev/heygen:PhotoLook/casual", { image: { mediaType: "image/png", url: "u" }, groupId: "g1", name: "Casual" });
        assert.equal(a, b);
        assert.match(a, /^pulumi-heygen:[0-9a-f]{40}$/);
        assert.match(a, /^[A-Za-z0-9_\-:.]{1,255}$/, "a valid Idempotency-Key");
    });
    const base = createKey("p/dev/heygen:PhotoLook/casual", { name: "Casual" });
    const cases: [string, string, boolean][] = [
        ["another stack", createKey("p/prod/heygen:PhotoLook/casual", { name: "Casual" }), false],
        ["another resource name", createKey("p/dev/heygen:PhotoLook/weekend", { name: "Casual" }), false],
        ["other inputs", createKey("p/dev/heygen:PhotoLook/casual", { name: "Casual 2" }), false],
        ["undefined fields are absent fields", createKey("p/dev/heygen:PhotoLook/casual", { name: "Casual", waitFor: undefined }), true],
        ["the next generation (after a replay named a deleted look)", createKey("p/dev/heygen:PhotoLook/casual", { name: "Casual" }, 2), false],
    ];
    for (const [name, key, same] of cases) it(`key: ${name} → ${same ? "same" : "different"} key`, () => assert.equal(key === base, same));
    it("numbers later generations after the key", () => assert.equal(createKey("i", {}, 3), `${createKey("i", {})}:3`));
    it("writes JSON with sorted keys", () => assert.equal(stableJson({ b: [1, { d: 1, c: 2 }], a: null }), '{"a":null,"b":[1,{"c":2,"d":1}]}'));

    const now = 1_800_000_000;
    const c = (id: string, name: string, type = "photo_avatar", createdAt?: number) => ({ id, name, type, createdAt });
    const found: [string, ReturnType<typeof c>[], { name: string; type: string; notBefore?: number }, string[], string | undefined][] = [
        ["the newest match", [c("new", "Casual"), c("old", "Casual")], { name: "Casual", type: "photo_avatar" }, [], "new"],
        ["not another name", [c("x", "Casual 2")], { name: "Casual", type: "photo_avatar" }, [], undefined],
        ["not another type", [c("x", "Casual", "digital_twin")], { name: "Casual", type: "photo_avatar" }, [], undefined],
        ["not one another resource owns", [c("mine", "Casual"), c("free", "Casual")], { name: "Casual", type: "photo_avatar" }, ["mine"], "free"],
        ["not one made before the request (beyond clock skew)", [c("x", "G", "photo_avatar", now - CLOCK_SKEW_S - 1)], { name: "G", type: "photo_avatar", notBefore: now }, [], undefined],
        ["one made within clock skew of it", [c("x", "G", "photo_avatar", now - 10)], { name: "G", type: "photo_avatar", notBefore: now }, [], "x"],
        ["a look (no creation time) by name and type", [c("x", "Casual")], { name: "Casual", type: "photo_avatar", notBefore: now }, [], "x"],
    ];
    for (const [name, candidates, want, taken, expected] of found) {
        it(`found: ${name}`, () => assert.equal(pickFound(candidates, want, new Set(taken))?.id, expected));
    }
    it("a group delete takes every look but the group's own first look", () => {
        const looks = [{ id: "web" }, { id: "first" }];
        assert.deepEqual(unmanagedLooks(looks, "first"), [{ id: "web" }]);
        assert.deepEqual(unmanagedLooks([{ id: "first" }], "first"), []);
    });
});

for (const ignoreKeys of [false, true]) {
    describe(`createOnce: handlers against the emulator (${ignoreKeys ? "ignoring" : "honouring"} Idempotency-Key)`, function () {
        this.timeout(60_000);
        let emu: Emulator;
        let control: ReturnType<typeof raw>;
        let dir: string;
        let cwd: string;
        let n = 0;
        const PROVIDER = "exports.handler = () => provider;";
        const identity = (name: string) => `test/dev/heygen:PhotoLook/${name}-${ignoreKeys}-${++n}`;
        const looksNamed = async (name: string) => (await control.get("/_emulator/state")).body.looks.filter((l: any) => l.name === name);
        const groupsNamed = async (name: string) => (await control.get("/_emulator/state")).body.groups.filter((g: any) => g.name === name);
        const posts = async () => ((await control.get("/_emulator/requests")).body.data as { method: string; path: string }[]).filter((r) => r.method === "POST" && r.path === "/v3/avatars").length;
        const newGroup = async (name = "Sarah") =>
            (await control.post("/v3/avatars", { type: "photo", name, file: { type: "url", url: "https://cdn.example.com/s.jpg" } })).body.data.avatar_group.id as string;
        /** What the engine does: check (through the dispatcher, which notes what is in state), then create. */
        const checkThenCreate = async (kind: "photoLook" | "avatarGroup", news: Record<string, unknown>, olds: Record<string, unknown> = {}) => {
            const checked = (await run({ kind }, "check", [olds, { __provider: PROVIDER, ...news }])) as { inputs: Record<string, unknown>; failures: unknown[] };
            assert.deepEqual(checked.failures, []);
            return { inputs: checked.inputs, create: () => handlers(kind).create(checked.inputs) };
        };
        const photo = (groupId: string, name: string, id: string) => ({ groupId, name, image: { url: "https://cdn.example.com/a.jpg" }, waitFor: "created", __identity: id });

        before(async () => {
            emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
            control = raw(emu.url);
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-once-"));
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: once\nruntime: nodejs\n");
            cwd = process.cwd();
            process.chdir(dir); // the journal lives in the project directory
        });
        after(async () => {
            process.chdir(cwd);
            await emu.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        });
        beforeEach(async () => {
            await control.post("/_emulator/reset");
            // create_ms too: reset keeps it, and one test sets it (every later create took 1.5 s).
            await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant", create_ms: 0 });
            await control.put("/_emulator/idempotency", { ignoreKeys });
            configure({ config: { get: (k: string) => ({ "heygen:apiKey": emu.apiKey, "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
            forgetProcess(); // each test is a fresh provider process
        });

        it("a dropped connection after the create was applied: one look, recorded", async () => {
            const groupId = await newGroup();
            await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop_after", times: 1 });
            const { create } = await checkThenCreate("photoLook", photo(groupId, "Once", identity("once")));
            const r = await create();
            const looks = await looksNamed("Once");
            assert.deepEqual(looks.map((l: any) => l.id), [r.id], "exactly one look, the one recorded");
        });

        it("a 5xx on the create: HeyGen is checked, then it is sent again: one look, recorded", async () => {
            // A gateway's 502 before the API ran: nothing made, so after looking in HeyGen it is sent again.
            const groupId = await newGroup();
            await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "error", status: 502, times: 2 });
            const { create } = await checkThenCreate("photoLook", photo(groupId, "Gateway", identity("gw")));
            const r = await create();
            assert.deepEqual((await looksNamed("Gateway")).map((l: any) => l.id), [r.id]);
        });

        it("a create slower than the client's timeout: found when HeyGen finishes it, or its key replayed; one look", async () => {
            const groupId = await newGroup();
            await control.put("/_emulator/timing", { create_ms: 1500 });
            const api = new HeyGenClient({ apiKey: emu.apiKey, baseUrl: emu.url, timeouts: { writeMs: 400 } });
            const outcome = await createOnce({
                identity: identity("slow"), keyInputs: { name: "Slow" }, want: { name: "Slow", type: "photo_avatar" },
                async list() {
                    const out = [];
                    for await (const l of api.allLooks({ group_id: groupId })) out.push({ id: l.id, name: l.name, type: l.avatar_type });
                    return out;
                },
                send: (key) => api.createAvatar({ type: "photo", name: "Slow", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/a.jpg" } }, key, { lookBeforeResend: true }),
                idOf: (c) => c.avatar_item.id,
                exists: async () => true,
                byId: async () => undefined,
                timed: false,
                stillRunningMs: 3000,
            });
            const id = "created" in outcome ? outcome.created.avatar_item.id : outcome.found.id;
            assert.deepEqual((await looksNamed("Slow")).map((l: any) => l.id), [id], "one look, the one returned");
            assert.equal(await posts(), 1, "never sent twice");
        });

        it("a killed run's create is adopted by the next run, not made again", async () => {
            const groupId = await newGroup();
            const id = identity("killed");
            // The killed run: its create went out (journal written, request applied), its answer never recorded.
            await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop_after", times: 1 });
            await control.post("/_emulator/faults", { method: "GET", path: "/v3/avatars/looks", action: "error", status: 403, code: "forbidden", times: 1 });
            const first = await checkThenCreate("photoLook", photo(groupId, "Killed", id));
            await assert.rejects(first.create(), /HTTP 403/, "that run dies before it can record anything");
            await control.del("/_emulator/faults");
            assert.equal((await looksNamed("Killed")).length, 1, "HeyGen made it");
            assert.ok(journal.read(id), "the journal remembers a create was in flight");
            // The next run: a new provider process, the resource not in state.
            forgetProcess();
            await control.del("/_emulator/requests");
            const next = await checkThenCreate("photoLook", photo(groupId, "Killed", id));
            const r = await next.create();
            const looks = await looksNamed("Killed");
            assert.deepEqual(looks.map((l: any) => l.id), [r.id], "adopted, not made twice");
            assert.equal(await posts(), 0, "no create sent");
            // A later run's diff sees it in state: the entry now says its create reached the engine, so a later
            // create of this resource (`up --replace`) never takes it.
            assert.equal(journal.read(id)?.id, r.id);
            assert.equal(journal.read(id)?.returned, undefined);
            await run({ kind: "photoLook" }, "diff", [r.id, r.outs, { __provider: PROVIDER, ...photo(groupId, "Killed", id) }]);
            assert.deepEqual({ id: journal.read(id)?.id, returned: journal.read(id)?.returned }, { id: r.id, returned: true });
        });

        it("a killed run whose create was answered but never recorded: the next run adopts that very look", async () => {
            const groupId = await newGroup();
            const id = identity("answered");
            const first = await (await checkThenCreate("photoLook", photo(groupId, "Answered", id))).create();
            // The engine died before recording it (nothing diffed it since). Someone also made a look of the
            // same name in the web app: the journal names ours.
            await control.post("/v3/avatars", { type: "photo", name: "Answered", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/w.jpg" } });
            forgetProcess();
            await control.del("/_emulator/requests");
            const r = await (await checkThenCreate("photoLook", photo(groupId, "Answered", id))).create();
            assert.equal(r.id, first.id);
            assert.equal(await posts(), 0);
        });

        it("after destroy, up creates anew even when the web app has a look of the same name", async () => {
            const groupId = await newGroup();
            const id = identity("destroyed");
            const first = await (await checkThenCreate("photoLook", photo(groupId, "Recreated", id))).create();
            await handlers("photoLook").delete(first.id, first.outs);
            const web = (await control.post("/v3/avatars", { type: "photo", name: "Recreated", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/w.jpg" } })).body.data.avatar_item.id;
            forgetProcess();
            const r = await (await checkThenCreate("photoLook", photo(groupId, "Recreated", id))).create();
            assert.notEqual(r.id, web, "not the web app's look");
            assert.notEqual(r.id, first.id, "not the deleted one");
        });

        it("a killed replacement (inputs changed) is adopted by the next run; the old look is never taken", async () => {
            const groupId = await newGroup();
            const id = identity("swap");
            const old = await (await checkThenCreate("photoLook", photo(groupId, "Swapped", id))).create();
            const changed = { ...photo(groupId, "Swapped", id), image: { url: "https://cdn.example.com/new.jpg" } };
            // The replacing run: diff names the old look, then the create's answer is lost and the run dies.
            forgetProcess();
            const replacing = await checkThenCreate("photoLook", changed, { __provider: PROVIDER, ...photo(groupId, "Swapped", id) });
            await run({ kind: "photoLook" }, "diff", [old.id, old.outs, replacing.inputs]);
            await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop_after", times: 1 });
            await control.post("/_emulator/faults", { method: "GET", path: "/v3/avatars/looks", action: "error", status: 403, code: "forbidden", times: 1 });
            await assert.rejects(replacing.create(), /HTTP 403/);
            await control.del("/_emulator/faults");
            const made = (await looksNamed("Swapped")).map((l: any) => l.id).filter((x: string) => x !== old.id);
            assert.equal(made.length, 1);
            // The next run: the old look is still in state, so this is again a replacement.
            forgetProcess();
            const again = await checkThenCreate("photoLook", changed, { __provider: PROVIDER, ...photo(groupId, "Swapped", id) });
            await run({ kind: "photoLook" }, "diff", [old.id, old.outs, again.inputs]);
            const r = await again.create();
            assert.deepEqual(r.id, made[0], "the killed run's replacement, not a third look");
            assert.equal((await looksNamed("Swapped")).length, 2, "the old one (the engine deletes it next) and the replacement");
        });

        it("a killed run's create whose journal is gone (another machine): the replayed key adopts it where the server honours keys", async () => {
            const groupId = await newGroup();
            const id = identity("replay");
            const { inputs, create } = await checkThenCreate("photoLook", photo(groupId, "Replay", id));
            // What the killed run sent: the same deterministic key.
            const key = createKey(id, { groupId, name: "Replay", image: inputs.image });
            const made = (await control.post("/v3/avatars", { type: "photo", name: "Replay", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/a.jpg" } }, { "Idempotency-Key": key })).body.data.avatar_item.id;
            const r = await create();
            const looks = await looksNamed("Replay");
            if (ignoreKeys) {
                // Nothing tells this process that an earlier run made it: the journal is what covers this case.
                assert.equal(looks.length, 2);
                return;
            }
            assert.equal(r.id, made);
            assert.equal(looks.length, 1);
        });

        it("a replay naming a look deleted since (destroy, then up) creates anew", async () => {
            const groupId = await newGroup();
            const id = identity("again");
            const first = await (await checkThenCreate("photoLook", photo(groupId, "Again", id))).create();
            await handlers("photoLook").delete(first.id, first.outs);
            forgetProcess();
            const second = await (await checkThenCreate("photoLook", photo(groupId, "Again", id))).create();
            assert.notEqual(second.id, first.id, "not the deleted id");
            assert.deepEqual((await looksNamed("Again")).map((l: any) => l.id), [second.id], "it exists");
        });

        it("`up --replace` (the engine checks the resource as if it were new, then creates) makes a new look, never the old one", async () => {
            const groupId = await newGroup();
            const id = identity("replace");
            // The first create, handed to the engine (through the dispatcher, as the engine calls it).
            const first = await checkThenCreate("photoLook", photo(groupId, "Twice on purpose", id));
            const old = (await run({ kind: "photoLook" }, "create", [first.inputs])) as { id: string };
            for (let round = 0; round < 2; round++) {
                forgetProcess();
                const before = (await looksNamed("Twice on purpose")).map((l: any) => l.id);
                const next = await checkThenCreate("photoLook", photo(groupId, "Twice on purpose", id)); // no old inputs
                const r = (await run({ kind: "photoLook" }, "create", [next.inputs])) as { id: string };
                assert.ok(!before.includes(r.id), "a new look, never one that exists already");
                assert.equal((await looksNamed("Twice on purpose")).length, before.length + 1, "the old one is the engine's to delete");
            }
            void old;
        });

        it("`up --replace` of a group makes a new group, never the old one", async () => {
            const news = { name: "Replaced group", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } }, waitFor: "created", __identity: identity("grp") };
            const first = await checkThenCreate("avatarGroup", news);
            const old = (await run({ kind: "avatarGroup" }, "create", [first.inputs])) as { id: string };
            forgetProcess();
            const next = await checkThenCreate("avatarGroup", news);
            const r = (await run({ kind: "avatarGroup" }, "create", [next.inputs])) as { id: string };
            assert.notEqual(r.id, old.id);
            assert.equal((await groupsNamed("Replaced group")).length, 2, "the old one is the engine's to delete");
        });

        it("a delete of an object a create of the same run returned is refused (a replacement answered with its old object)", async () => {
            const groupId = await newGroup();
            const { inputs } = await checkThenCreate("photoLook", photo(groupId, "Kept", identity("kept")));
            const made = (await run({ kind: "photoLook" }, "create", [inputs])) as { id: string; outs: Record<string, unknown> };
            await run({ kind: "photoLook" }, "delete", [made.id, made.outs]);
            assert.equal((await looksNamed("Kept")).length, 1, "still there: it is the new resource's");
        });

        it("a group whose create succeeded but whose first-look rename failed is recorded, and renamed by the next up", async () => {
            await control.post("/_emulator/faults", { method: "PATCH", path: "/v3/avatars/looks", action: "error", status: 400, code: "invalid_parameter", times: 1 });
            const { inputs, create } = await checkThenCreate("avatarGroup", {
                name: "Renamed later", firstLook: { type: "photo", name: "Renamed later - headshot", image: { url: "https://cdn.example.com/s.jpg" } }, __identity: identity("g"),
            });
            const e = await create().catch((x) => x);
            assert.ok(e instanceof PartialCreateError, String(e));
            assert.match(e.message, /avatar group "Renamed later" was created \([0-9a-f]{32}\), then: .*HTTP 400/);
            assert.equal(e.properties.groupId, e.id);
            assert.equal((e.properties.firstLook as any).name, "Renamed later", "the first look's name as it is");
            assert.equal((await groupsNamed("Renamed later")).length, 1);
            // The engine retries a partial create with an update: it renames.
            const up = await handlers("avatarGroup").update(e.id, e.properties, inputs);
            assert.equal((await looksNamed("Renamed later - headshot")).length, 1);
            assert.equal(up.outs.firstLookId, e.properties.firstLookId);
        });

        it("a look whose training wait fails after the create is recorded with its id", async () => {
            const groupId = await newGroup();
            await control.post("/_emulator/faults", { method: "GET", path: "/v3/avatars/looks", action: "error", status: 403, code: "forbidden", times: 1 });
            const { create } = await checkThenCreate("photoLook", { ...photo(groupId, "Waited", identity("wait")), waitFor: "trained" });
            const e = await create().catch((x) => x);
            assert.ok(e instanceof PartialCreateError, String(e));
            assert.match(e.message, /photo look "Waited" was created \([0-9a-f]{32}\), then: .*HTTP 403/);
            assert.deepEqual((await looksNamed("Waited")).map((l: any) => l.id), [e.id]);
        });

        it("destroying a group that holds looks this stack does not manage fails and lists them; forceDestroy deletes them", async () => {
            const { inputs, create } = await checkThenCreate("avatarGroup", { name: "Shared", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } }, __identity: identity("shared") });
            const g = await create();
            const web = (await control.post("/v3/avatars", { type: "photo", name: "Made in the web app", avatar_group_id: g.id, file: { type: "url", url: "https://cdn.example.com/w.jpg" } })).body.data.avatar_item.id;
            const e = await handlers("avatarGroup").delete(g.id, g.outs).catch((x) => x);
            assert.match(String(e), new RegExp(`still holds 1 look this stack does not manage.*"Made in the web app" \\(${web}, photo_avatar\\).*forceDestroy: true`));
            assert.equal((await groupsNamed("Shared")).length, 1, "nothing deleted");
            const forced = await handlers("avatarGroup").update(g.id, g.outs, { ...inputs, forceDestroy: true });
            assert.equal(forced.outs.forceDestroy, true, "kept in state for the delete");
            await handlers("avatarGroup").delete(g.id, forced.outs);
            assert.equal((await groupsNamed("Shared")).length, 0);
            assert.equal((await looksNamed("Made in the web app")).length, 0);
        });

        it("a group delete still sees the unmanaged looks when HeyGen will not list the group's looks (its 400 quirk)", async () => {
            const { create } = await checkThenCreate("avatarGroup", { name: "Quirky", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } }, __identity: identity("quirk") });
            const g = await create();
            await control.post("/v3/avatars", { type: "photo", name: "Someone else's", avatar_group_id: g.id, file: { type: "url", url: "https://cdn.example.com/w.jpg" } });
            await control.post("/_emulator/faults", { method: "GET", path: "/v3/avatars/looks", action: "error", status: 400, code: "invalid_parameter", times: 1 });
            await assert.rejects(handlers("avatarGroup").delete(g.id, g.outs), /"Someone else's"/);
            assert.equal((await groupsNamed("Quirky")).length, 1);
        });

        it("deleting a group whose other looks are all managed (deleted first by the engine) just deletes it", async () => {
            const { create } = await checkThenCreate("avatarGroup", { name: "Mine", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } }, __identity: identity("mine") });
            const g = await create();
            const look = await (await checkThenCreate("photoLook", photo(g.id, "Mine too", identity("mine-look")))).create();
            await handlers("photoLook").delete(look.id, look.outs);
            await handlers("avatarGroup").delete(g.id, g.outs);
            assert.equal((await groupsNamed("Mine")).length, 0);
        });

        it("deleting a look that is its group's last (the group would go too) fails unless forceDestroy", async () => {
            const groupId = await newGroup("Web group");
            const look = await (await checkThenCreate("photoLook", photo(groupId, "Last one", identity("last")))).create();
            const first = (await control.get("/_emulator/state")).body.looks.find((l: any) => l.group_id === groupId && l.id !== look.id);
            await control.del(`/_emulator/looks/${first.id}`); // the group's other look deleted in the web app
            const e = await handlers("photoLook").delete(look.id, look.outs).catch((x) => x);
            assert.match(String(e), /is the last look of avatar group "Web group".*forceDestroy: true/);
            assert.equal((await groupsNamed("Web group")).length, 1);
            await handlers("photoLook").delete(look.id, { ...look.outs, forceDestroy: true });
            assert.equal((await groupsNamed("Web group")).length, 0);
        });
    });
}
