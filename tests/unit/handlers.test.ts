// Every handler against the emulator over real HTTP, called as the dynamic-provider process calls them,
// with the API calls each operation makes counted from the emulator's request log.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { configure, handlers } from "../../provider/handlers";
import { PartialCreateError } from "../../provider/lifecycle/common";
import { getLook, listAvatarGroups, listLooks } from "../../provider/lookups";
import { http as raw, media } from "../support/http";

describe("handlers (against the emulator)", function () {
    this.timeout(30_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    let dir: string;
    const PROVIDER = "exports.handler = () => provider; /* stands in for the serialized text */";
    const calls = async () => {
        const log = (await control.get("/_emulator/requests")).body.data as { method: string; path: string }[];
        await control.del("/_emulator/requests");
        return log.map((e) => `${e.method} ${e.path.replace(/[0-9a-f]{32}/g, ":id")}`);
    };
    const useKey = (apiKey: string) => configure({ config: { get: (k: string) => ({ "heygen:apiKey": apiKey, "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
    const checked = async (kind: Parameters<typeof handlers>[0], news: Record<string, unknown>, olds: Record<string, unknown> = {}) => {
        const r = await handlers(kind).check(olds, { __provider: PROVIDER, ...news });
        assert.deepEqual(r.failures, [], JSON.stringify(r.failures));
        return r.inputs as Record<string, unknown>;
    };
    const newGroup = async (name = "Sarah") =>
        (await control.post("/v3/avatars", { type: "photo", name, file: { type: "url", url: "https://cdn.example.com/s.jpg" } })).body.data.avatar_group.id as string;

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-handlers-"));
    });
    after(async () => {
        await emu.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
        await control.post("/_emulator/reset");
        await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant" });
        useKey(emu.apiKey);
    });

    describe("a photo look's lifecycle, and the API calls it costs", () => {
        it("create 2 calls, read 1, update 1, delete 2; a no-op check none", async () => {
            const groupId = await newGroup();
            await calls();
            const h = handlers("photoLook");
            const inputs = await checked("photoLook", { groupId, name: "Casual", image: { url: "https://cdn.example.com/casual.jpg" } });
            // The key, once per process; the group the look joins (it exists and is private), since it is new.
            const checkCalls = await calls();
            assert.ok(checkCalls.every((c) => c === "GET /v3/users/me" || c === "GET /v3/avatars/:id") && checkCalls.length <= 2, checkCalls.join());

            const created = await h.create(inputs);
            assert.deepEqual(await calls(), ["POST /v3/avatars", "GET /v3/avatars/looks/:id"]);
            assert.equal(created.outs.status, "completed");
            assert.equal(created.outs.lookId, created.id);
            assert.equal(created.outs.groupId, groupId);
            assert.ok(created.outs.previewImageUrl);

            const again = await h.check(created.outs, { ...inputs });
            assert.deepEqual(again.failures, []);
            assert.deepEqual(await calls(), [], "an unchanged check makes no API call");
            const same = await h.diff(created.id, created.outs, inputs);
            assert.deepEqual(same, { changes: false, replaces: [], deleteBeforeReplace: false });

            const read = await h.read(created.id, created.outs);
            assert.deepEqual(await calls(), ["GET /v3/avatars/looks"], "one listing of the group");
            assert.deepEqual(read.props, created.outs);
            assert.equal((read as { inputs: Record<string, unknown> }).inputs.name, "Casual");

            const renamed = { ...inputs, name: "Casual 2" };
            assert.deepEqual(await h.diff(created.id, created.outs, renamed), { changes: undefined, replaces: [], deleteBeforeReplace: false });
            const updated = await h.update(created.id, created.outs, renamed);
            assert.deepEqual(await calls(), ["PATCH /v3/avatars/looks/:id"]);
            assert.equal(updated.outs.name, "Casual 2");

            await h.delete(created.id, updated.outs);
            assert.deepEqual(await calls(), ["GET /v3/avatars/:id", "DELETE /v3/avatars/looks/:id"], "the group is read: a look never takes its group with it");
            await h.delete(created.id, updated.outs); // 404: already gone
            assert.equal((await h.read(created.id, updated.outs)).id, undefined, "gone from state");
        });
    });

    describe("check", () => {
        it("fails at preview with a clear message when the key is wrong or missing, naming where it came from", async () => {
            useKey("not-a-real-key");
            await assert.rejects(
                handlers("photoLook").check({}, { groupId: "g1", name: "x", image: { url: "https://cdn.example.com/a.jpg" } }),
                /HeyGen rejected the API key from heygen:apiKey \(HTTP 401/,
            );
            configure({ config: { get: () => undefined } } as any);
            const saved = process.env.HEYGEN_API_KEY;
            delete process.env.HEYGEN_API_KEY;
            try {
                await assert.rejects(handlers("avatarGroup").check({}, { name: "y", firstLook: { type: "prompt", prompt: "p" } }), /no HeyGen API key is configured: run `pulumi config set --secret heygen:apiKey/);
            } finally {
                if (saved !== undefined) process.env.HEYGEN_API_KEY = saved;
            }
        });
        it("passes unknown values through untouched; the only call is the one key check", async () => {
            await calls();
            const r = await handlers("photoLook").check({}, { groupId: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", name: "x", image: { url: "https://cdn.example.com/a.jpg" } });
            assert.deepEqual(r.failures, []);
            assert.equal((r.inputs as any).groupId, "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
            const g = await handlers("avatarGroup").check({}, { name: "G", firstLook: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
            assert.deepEqual(g.failures, []);
            assert.deepEqual(await calls(), ["GET /v3/users/me"], "one key check per process, no writes");
        });
        it("names the property and the fix for a group's first look", async () => {
            const r = await handlers("avatarGroup").check({}, { name: "G", firstLook: { type: "photo", footage: { url: "https://x.example/a.mp4" } } });
            assert.deepEqual(r.failures?.map((f) => f.property), ["firstLook.image", "firstLook.footage"]);
            const p = await handlers("avatarGroup").check({}, { name: "G", firstLook: { type: "prompt", prompt: "p", name: "Other" } });
            assert.match(p.failures![0].reason, /takes the group's name/);
            const t = await handlers("avatarGroup").check({}, { name: "G", firstLook: { type: "hologram" } });
            assert.equal(t.failures![0].property, "firstLook.type");
        });
    });

    describe("create, waiting and partial creates", () => {
        it("records a look whose training failed, with HeyGen's message, and nothing leaks", async () => {
            const groupId = await newGroup();
            const inputs = await checked("photoLook", { groupId, name: "Broken [fail]", image: { url: "https://cdn.example.com/a.jpg" } });
            const e = await handlers("photoLook").create(inputs).catch((x) => x);
            assert.ok(e instanceof PartialCreateError, String(e));
            assert.match(e.message, /failed to train: Avatar training failed: no usable face/);
            assert.equal(e.properties.status, "failed");
            assert.equal(e.properties.__provider, PROVIDER, "partial state keeps its provider");
            assert.equal(e.properties.lookId, e.id);
            assert.deepEqual(e.properties.error, { code: "training_failed", message: "Avatar training failed: no usable face was found in the input" });
            assert.match(e.message, /not created again .* until its inputs change, or you ask for a new one with `pulumi up --replace/);
            // The next up does not make it again: no change, and the engine's retry of the partial create
            // (an update) reports it once more without a create.
            assert.deepEqual(await handlers("photoLook").diff(e.id, e.properties, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
            await calls();
            const again = await handlers("photoLook").update(e.id, e.properties, inputs).catch((x) => x);
            assert.ok(again instanceof PartialCreateError && again.id === e.id, String(again));
            assert.deepEqual(await calls(), ["GET /v3/avatars/looks/:id"], "no create");
            const failed = (await control.get("/_emulator/state")).body.looks.filter((l: any) => l.name === "Broken [fail]");
            assert.equal(failed.length, 1, "one failed look in HeyGen, one charge");
            // A new one only when the inputs change.
            assert.deepEqual((await handlers("photoLook").diff(e.id, e.properties, { ...inputs, image: { url: "https://cdn.example.com/b.jpg" } })).replaces, ["image"]);
        });
        it("records a look still training when its timeout passes", async () => {
            await control.put("/_emulator/timing", { photo: "60s" });
            const groupId = await newGroup("Slow");
            const inputs = await checked("photoLook", { groupId, name: "Slow", image: { url: "https://cdn.example.com/a.jpg" }, timeoutSeconds: 1 });
            const e = await handlers("photoLook").create(inputs).catch((x) => x);
            assert.ok(e instanceof PartialCreateError, String(e));
            assert.match(e.message, /still processing after 1 s; it is recorded in state/);
            // Another `up` keeps waiting: update on an unchanged resource.
            await control.put("/_emulator/timing", { photo: "instant" });
            const done = await handlers("photoLook").update(e.id, e.properties, inputs);
            assert.equal(done.outs.status, "completed");
        });
        it("returns at once with waitFor created", async () => {
            await control.put("/_emulator/timing", { photo: "60s" });
            const groupId = await newGroup();
            await calls();
            const inputs = await checked("photoLook", { groupId, name: "Quick", image: { url: "https://cdn.example.com/a.jpg" }, waitFor: "created" });
            await calls();
            const r = await handlers("photoLook").create(inputs);
            assert.equal(r.outs.status, "processing");
            assert.deepEqual((await calls()).filter((c) => !c.includes("users/me")), ["POST /v3/avatars"]);
        });
        it("does not wait for consent: a twin in pending_consent ends the wait", async () => {
            const groupId = await newGroup();
            const inputs = await checked("digitalTwinLook", { groupId, name: "Studio", footage: { url: "https://cdn.example.com/f.mp4" }, waitFor: "trained", timeoutSeconds: 5 });
            const t = Date.now();
            const r = await handlers("digitalTwinLook").create(inputs);
            assert.equal(r.outs.status, "pending_consent");
            assert.ok(Date.now() - t < 4000);
        });
        it("uploads a local file as an asset, makes the look from it, and deletes the asset once trained; state keeps its hash", async () => {
            fs.writeFileSync(path.join(dir, "me.png"), media.png());
            const cwd = process.cwd();
            process.chdir(dir);
            try {
                const inputs = await checked("avatarGroup", { name: "Local", firstLook: { type: "photo", name: "Local - headshot", image: { path: "me.png" } } });
                await calls();
                const r = await handlers("avatarGroup").create(inputs);
                assert.deepEqual(await calls(), ["POST /v3/assets", "GET /v3/assets/:id", "POST /v3/avatars", "PATCH /v3/avatars/looks/:id", "GET /v3/avatars/:id", "DELETE /v3/assets/:id"]);
                assert.equal(r.outs.status, "completed");
                assert.equal(r.outs.uploadedAssetIds, undefined, "the asset is deleted once training ended");
                assert.deepEqual((await control.get("/_emulator/state")).body.assets, []);
                assert.match((r.outs.firstLook as any).image.sha256, /^[0-9a-f]{64}$/);
                const state = (await control.get("/_emulator/state")).body;
                assert.equal(state.looks.find((l: any) => l.id === r.outs.firstLookId).name, "Local - headshot");
            } finally {
                process.chdir(cwd);
            }
        });
        it("sends base64 bytes as an asset, and keeps none of them in the outputs", async () => {
            const groupId = await newGroup();
            const data = media.png(600, 600).toString("base64");
            const inputs = await checked("photoLook", { groupId, name: "Inline", image: { base64: data, mediaType: "image/png" } });
            assert.equal(JSON.stringify(inputs).includes(data), false, "checked inputs hold no bytes");
            await calls();
            const r = await handlers("photoLook").create(inputs);
            assert.equal(JSON.stringify(r.outs).includes(data), false);
            assert.deepEqual(await calls(), ["POST /v3/assets", "GET /v3/assets/:id", "POST /v3/avatars", "GET /v3/avatars/looks/:id", "DELETE /v3/assets/:id"]);
            assert.deepEqual((await control.get("/_emulator/state")).body.assets, [], "uploaded, then deleted once trained");
        });
        it("creates no duplicate when the create's connection drops after it was applied", async () => {
            const groupId = await newGroup();
            await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop_after", times: 1 });
            const inputs = await checked("photoLook", { groupId, name: "Once", image: { url: "https://cdn.example.com/a.jpg" } });
            await handlers("photoLook").create(inputs);
            const looks = (await control.get(`/v3/avatars/looks?group_id=${groupId}`)).body.data;
            assert.equal(looks.filter((l: any) => l.name === "Once").length, 1);
        });
        it("explains a failed create with HeyGen's message and param", async () => {
            // A group that does not exist is found at preview already; should it vanish between preview and up, create says so.
            const orphan = { groupId: "0".repeat(32), name: "Orphan", image: { url: "https://cdn.example.com/a.jpg" } };
            const early = await handlers("photoLook").check({}, { __provider: PROVIDER, ...orphan });
            assert.deepEqual(early.failures!.map((f) => f.property), ["groupId"]);
            assert.match(early.failures![0].reason, /no avatar group 0+ exists in this HeyGen account/);
            const inputs = early.inputs as Record<string, unknown>;
            await assert.rejects(handlers("photoLook").create(inputs), /creating photo look "Orphan": POST \/v3\/avatars: Avatar group 0+ not found — HTTP 404 avatar_group_not_found — request id: req_/);
            const bad = await checked("photoLook", { groupId: await newGroup(), name: "Dead link", image: { url: "https://cdn.invalid/a.jpg" } });
            await assert.rejects(handlers("photoLook").create(bad), /Failed to download file from URL: https:\/\/cdn\.invalid\/a\.jpg — HTTP 400 download_failed — param: file/);
        });
    });

    describe("read and drift", () => {
        it("reports a rename behind our back as the look's real name, in outputs and inputs", async () => {
            const groupId = await newGroup();
            const inputs = await checked("photoLook", { groupId, name: "Declared", image: { url: "https://cdn.example.com/a.jpg" } });
            const r = await handlers("photoLook").create(inputs);
            await control.patch(`/_emulator/looks/${r.id}`, { name: "Drifted" });
            const read = (await handlers("photoLook").read(r.id, r.outs)) as { props: any; inputs: any };
            assert.equal(read.props.name, "Drifted");
            assert.equal(read.inputs.name, "Drifted");
            assert.deepEqual(await handlers("photoLook").diff(r.id, read.props, inputs), { changes: undefined, replaces: [], deleteBeforeReplace: false });
        });
        it("updates a group with one read of its first look and one of the group", async () => {
            const inputs = await checked("avatarGroup", { name: "Steady", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } } });
            const r = await handlers("avatarGroup").create(inputs);
            await calls();
            const out = await handlers("avatarGroup").update(r.id, r.outs, { ...inputs, timeoutSeconds: 60 });
            assert.equal(out.outs.status, "completed");
            assert.deepEqual(await calls(), ["GET /v3/avatars/looks/:id", "GET /v3/avatars/:id"]);
        });
        it("makes a first look deleted in HeyGen again exactly once, with keys ignored and the connection dropped after the create", async () => {
            // As the resource class gives it: the identity keys the create and names its journal entry (in the project directory).
            const cwd = process.cwd();
            process.chdir(dir);
            after(() => process.chdir(cwd));
            const inputs = await checked("avatarGroup", {
                name: "Twice?", firstLook: { type: "photo", name: "Twice? - first", image: { url: "https://cdn.example.com/t.jpg" } },
                __identity: `unit/test/heygen:AvatarGroup/twice-${Date.now()}`,
            });
            const r = await handlers("avatarGroup").create(inputs);
            // HeyGen deletes a group with its last look: another look keeps this one.
            await control.post("/v3/avatars", { type: "photo", name: "Other", avatar_group_id: r.id, file: { type: "url", url: "https://cdn.example.com/o.jpg" } });
            await control.del(`/_emulator/looks/${r.outs.firstLookId}`);
            const read = (await handlers("avatarGroup").read(r.id, r.outs)) as { props: Record<string, unknown> };
            assert.equal(read.props.firstLookStatus, "deleted");
            // A server that ignores Idempotency-Key, and a connection dropped once HeyGen applied the create.
            await control.put("/_emulator/idempotency", { ignoreKeys: true });
            await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop_after", times: 1 });
            const again = await handlers("avatarGroup").check(read.props, { __provider: PROVIDER, ...inputs });
            const out = await handlers("avatarGroup").update(r.id, read.props, again.inputs as Record<string, unknown>);
            const looks = (await control.get(`/v3/avatars/looks?group_id=${r.id}`)).body.data as { id: string; name: string }[];
            assert.deepEqual(looks.map((l) => l.name).sort(), ["Other", "Twice? - first"], "one first look, made once");
            assert.equal(out.outs.firstLookId, looks.find((l) => l.name === "Twice? - first")!.id);
            assert.notEqual(out.outs.firstLookId, r.outs.firstLookId);
            process.chdir(cwd);
        });
        it("drops a group deleted behind our back", async () => {
            const inputs = await checked("avatarGroup", { name: "Gone", firstLook: { type: "prompt", prompt: "a chef" } });
            const r = await handlers("avatarGroup").create(inputs);
            await control.del(`/_emulator/avatars/${r.id}`);
            assert.deepEqual(await handlers("avatarGroup").read(r.id, r.outs), {});
        });
    });

    describe("refresh reads, batched by group", () => {
        const photo = (groupId: string, name: string) =>
            control.post("/v3/avatars", { type: "photo", name, avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/p.jpg" } }).then((r) => r.body.data.avatar_item.id as string);
        const props = (groupId: string) => ({ groupId, name: "x", image: { url: "https://cdn.example.com/p.jpg" } });

        it("answers many reads of one group with one listing (50 a page)", async () => {
            const groupId = await newGroup();
            const ids: string[] = [];
            for (let i = 0; i < 60; i++) ids.push(await photo(groupId, `L${i}`));
            handlers("photoLook"); // the process's handlers
            const { forgetListings } = await import("../../provider/resources/lookReads");
            forgetListings();
            await calls();
            const reads = await Promise.all(ids.map((id) => handlers("photoLook").read(id, props(groupId))));
            assert.deepEqual(reads.map((r) => (r.props as any).name), ids.map((_, i) => `L${i}`));
            assert.deepEqual(await calls(), ["GET /v3/avatars/looks", "GET /v3/avatars/looks"], "61 looks: two pages for 60 reads");
        });
        it("confirms a look missing from the listing with its own GET before calling it gone", async () => {
            const groupId = await newGroup();
            const id = await photo(groupId, "Soon gone");
            const { forgetListings } = await import("../../provider/resources/lookReads");
            forgetListings();
            await control.del(`/_emulator/looks/${id}`);
            await calls();
            assert.deepEqual(await handlers("photoLook").read(id, props(groupId)), {});
            assert.deepEqual(await calls(), ["GET /v3/avatars/looks", "GET /v3/avatars/looks/:id"]);
        });
        it("falls back to one GET per look when HeyGen will not list the group", async () => {
            const groupId = await newGroup();
            const id = await photo(groupId, "Unlisted");
            const { forgetListings } = await import("../../provider/resources/lookReads");
            forgetListings();
            await control.post("/_emulator/faults", { method: "GET", path: "/v3/avatars/looks", action: "error", status: 400, code: "invalid_parameter", times: 1 });
            await calls();
            const r = await handlers("photoLook").read(id, props(groupId));
            assert.equal((r.props as any).name, "Unlisted");
            assert.deepEqual(await calls(), ["GET /v3/avatars/looks", "GET /v3/avatars/looks/:id"]);
            await control.del("/_emulator/faults");
        });
        it("lists again after a write, so nothing read after a change is stale", async () => {
            const groupId = await newGroup();
            const id = await photo(groupId, "Before");
            const { forgetListings } = await import("../../provider/resources/lookReads");
            forgetListings();
            await handlers("photoLook").read(id, props(groupId));
            await handlers("photoLook").update(id, { ...props(groupId), name: "Before" }, { ...props(groupId), name: "After", waitFor: "created" });
            assert.equal(((await handlers("photoLook").read(id, props(groupId))).props as any).name, "After");
        });
    });

    describe("adopting existing objects", () => {
        it("takes an existing look under management without creating anything", async () => {
            const groupId = await newGroup();
            const look = (await control.post("/v3/avatars", { type: "photo", name: "Existing", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/e.jpg" } })).body.data.avatar_item;
            await calls();
            const inputs = await checked("photoLook", { groupId, name: "Existing", image: { url: "https://cdn.example.com/e.jpg" }, adoptLookId: look.id });
            const r = await handlers("photoLook").create(inputs);
            assert.equal(r.id, look.id);
            assert.ok(!(await calls()).some((c) => c.startsWith("POST /v3/avatars")), "nothing created");
        });
        it("refuses a look that does not match the declaration, saying what to change", async () => {
            const groupId = await newGroup();
            const other = await newGroup("Other");
            const look = (await control.post("/v3/avatars", { type: "photo", name: "Existing", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/e.jpg" } })).body.data.avatar_item;
            // Found at preview, with reads only, naming the property to change.
            const failures = async (kind: Parameters<typeof handlers>[0], news: Record<string, unknown>) =>
                (await handlers(kind).check({}, { __provider: PROVIDER, ...news })).failures!.map((f) => `${f.property}: ${f.reason}`);
            assert.match((await failures("photoLook", { groupId: other, name: "Existing", image: { url: "https://cdn.example.com/e.jpg" }, adoptLookId: look.id })).join(), new RegExp(`^groupId: .*set groupId to ${groupId}`));
            assert.match((await failures("digitalTwinLook", { groupId, name: "Existing", footage: { url: "https://cdn.example.com/e.mp4" }, adoptLookId: look.id })).join(), /^adoptLookId: .*is a photo_avatar, not a digital_twin/);
            // Gone (or never there): made from its image, or, without one, a failure naming the missing input.
            assert.deepEqual(await failures("photoLook", { groupId, name: "X", image: { url: "https://cdn.example.com/e.jpg" }, adoptLookId: "f".repeat(32) }), []);
            assert.match((await failures("photoLook", { groupId, name: "X", adoptLookId: "f".repeat(32) })).join(), /^image: is needed: adoptLookId f+ no longer exists in HeyGen/);
            // A different name: today's adoption would rename it while the preview says only "create".
            assert.match((await failures("photoLook", { groupId, name: "Renamed", image: { url: "https://cdn.example.com/e.jpg" }, adoptLookId: look.id })).join(), /^name: look .* is named "Existing"/);
            // Its group not known yet at preview (adopted in the same run): the rest is checked already.
            const { UNKNOWN } = await import("../../provider/lifecycle/common");
            assert.match((await failures("photoLook", { groupId: UNKNOWN, name: "Renamed", image: { url: "https://cdn.example.com/e.jpg" }, adoptLookId: look.id })).join(), /^name: look .* is named "Existing"/);
            assert.deepEqual(await failures("photoLook", { groupId: UNKNOWN, name: "Existing", image: { url: "https://cdn.example.com/e.jpg" }, adoptLookId: look.id }), []);
            // Should the look change between preview and up, create still refuses it.
            await assert.rejects(handlers("photoLook").create({ groupId: other, name: "Existing", image: { url: "https://cdn.example.com/e.jpg" }, adoptLookId: look.id }), new RegExp(`set groupId to ${groupId}`));
        });
        it("adopts a group with its first look, and refuses a name it cannot have", async () => {
            const groupId = await newGroup("Veteran");
            const inputs = await checked("avatarGroup", { name: "Veteran", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } }, adoptGroupId: groupId });
            const r = await handlers("avatarGroup").create(inputs);
            assert.equal(r.id, groupId);
            assert.ok(r.outs.firstLookId);
            const wrong = await handlers("avatarGroup").check({}, { __provider: PROVIDER, name: "Rookie", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } }, adoptGroupId: groupId });
            assert.match(wrong.failures!.map((f) => `${f.property}: ${f.reason}`).join("\n"), /^name: .*groups cannot be renamed: set name to "Veteran"/);
            const publicGroup = await handlers("avatarGroup").check({}, { __provider: PROVIDER, name: "Daisy", firstLook: { type: "photo", image: { url: "https://cdn.example.com/s.jpg" } }, adoptGroupId: "public_group_1" });
            assert.match(publicGroup.failures!.map((f) => `${f.property}: ${f.reason}`).join(), /^adoptGroupId: .*public avatars/);
        });
    });

    describe("consent requests", () => {
        const twinGroup = async () => {
            const g = (await control.post("/v3/avatars", { type: "digital_twin", name: "Twin", file: { type: "url", url: "https://cdn.example.com/f.mp4" } })).body.data;
            return g.avatar_group.id as string;
        };
        it("returns the consent url, and waits for approval when asked", async () => {
            const groupId = await twinGroup();
            const inputs = await checked("consentRequest", { groupId, rerouteUrl: "https://example.com/thanks", waitFor: "approved", timeoutSeconds: 10 });
            const pending = handlers("consentRequest").create(inputs);
            // The person approves on the page while `up` waits.
            let url: string | undefined;
            for (let i = 0; i < 50 && !url; i++) {
                await new Promise((r) => setTimeout(r, 100));
                const g = (await control.get("/_emulator/state")).body.groups.find((x: any) => x.id === groupId);
                if (g?.consent?.token) url = `${emu.url}/consent/${g.consent.token}`;
            }
            assert.ok(url, "a consent url was issued");
            await fetch(url!, { method: "POST", body: new URLSearchParams({ decision: "approve" }), redirect: "manual" });
            const r = await pending;
            assert.equal(r.outs.consentStatus, "approved");
            assert.equal(r.outs.url, url);
            assert.match(r.id, new RegExp(`^${groupId}/consent/[0-9a-z]+$`), "its group, and when it was asked");
        });
        it("records a declined consent and asks again next time", async () => {
            const groupId = await twinGroup();
            const inputs = await checked("consentRequest", { groupId, waitFor: "approved", timeoutSeconds: 10 });
            setTimeout(() => void control.post(`/_emulator/consent/${groupId}`, { decision: "decline" }), 300);
            const e = await handlers("consentRequest").create(inputs).catch((x) => x);
            assert.ok(e instanceof PartialCreateError, String(e));
            assert.match(e.message, /was declined; the next `pulumi up` asks again/);
        });
        it("needs no request when consent is already approved", async () => {
            const groupId = await twinGroup();
            await control.post(`/_emulator/consent/${groupId}`, { decision: "approve" });
            await calls();
            const r = await handlers("consentRequest").create(await checked("consentRequest", { groupId }));
            assert.equal(r.outs.url, null);
            assert.ok(!(await calls()).some((c) => c.includes("/consent")));
        });
    });

    describe("lookups", () => {
        it("reads looks and groups with the key from the environment", async () => {
            const groupId = await newGroup("Lookup");
            const saved = { key: process.env.HEYGEN_API_KEY, base: process.env.HEYGEN_API_BASE };
            process.env.HEYGEN_API_KEY = emu.apiKey;
            process.env.HEYGEN_API_BASE = emu.url;
            try {
                const looks = await listLooks({ groupId });
                assert.equal(looks.length, 1);
                assert.equal((await getLook({ lookId: looks[0].lookId })).groupId, groupId);
                const groups = await listAvatarGroups({ ownership: "public" });
                assert.deepEqual(groups.map((g) => g.name).sort(), ["Daisy", "Marcus"]);
            } finally {
                process.env.HEYGEN_API_KEY = saved.key;
                process.env.HEYGEN_API_BASE = saved.base;
                if (saved.key === undefined) delete process.env.HEYGEN_API_KEY;
                if (saved.base === undefined) delete process.env.HEYGEN_API_BASE;
            }
        });
    });
});
