// The commands a new user runs off the main path, through the real engine: `pulumi up --replace` of every
// kind, adoption of objects that are gone or owned already, a wrong key on a run with nothing to do, a
// refresh after HeyGen moved, the README's advice for a blocked destroy followed as written, and the small
// untruths (aliases, customTimeouts, names that repeat, consent without a twin).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject } from "../support/engine";
import { http as raw, media } from "../support/http";

const ESTATE = `
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";
const c = new pulumi.Config();
const g = new heygen.AvatarGroup("sarah", {
    name: "Sarah", forceDestroy: c.getBoolean("forceDestroy") ?? false,
    firstLook: { type: "photo", name: "Sarah - headshot", image: { path: "media/sarah.png" } },
});
const casual = new heygen.PhotoLook("casual", { groupId: g.groupId, name: "Sarah - casual", image: { url: "https://cdn.example.com/casual.jpg" } });
const twin = new heygen.DigitalTwinLook("studio", { groupId: g.groupId, name: "Sarah - studio", footage: { url: "https://cdn.example.com/studio.mp4" } });
const consent = new heygen.ConsentRequest("consent", { groupId: twin.groupId });
export const ids = { group: g.groupId, first: g.firstLookId, casual: casual.lookId, twin: twin.lookId, consent: consent.id };
`;

describe("off the main path (real engine, emulator)", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    const env = () => ({ HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url });
    const privateObjects = async () => {
        const s = (await control.get("/_emulator/state")).body;
        return { groups: s.groups.filter((g: any) => !g.public), looks: s.looks.filter((l: any) => !l.public) };
    };
    const project = (name: string, program = ESTATE) => {
        const p = CliProject.create(name, { "index.ts": program }, env());
        fs.mkdirSync(path.join(p.dir, "media"), { recursive: true });
        fs.writeFileSync(path.join(p.dir, "media", "sarah.png"), media.png(800, 800));
        return p;
    };
    const urnOf = async (p: CliProject, name: string) => {
        const r = (await p.exportState()).deployment.resources.find((x) => x.urn.endsWith(`::${name}`));
        assert.ok(r, `no resource named ${name}`);
        return r.urn;
    };
    /** Every id the stack's state names exists in HeyGen (the emulator), and nothing private is left over. */
    const stateMatchesHeyGen = async (p: CliProject) => {
        const { groups, looks } = await privateObjects();
        const existing = new Set([...groups.map((g: any) => g.id), ...looks.map((l: any) => l.id)]);
        const state = (await p.exportState()).deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/heygen:") && !r.type.endsWith("ConsentRequest"));
        for (const r of state) assert.ok(existing.has(r.id!), `state names ${r.urn} ${r.id}, which HeyGen does not have`);
        return { groups, looks };
    };
    const posts = async (pathPrefix: string) => ((await control.get("/_emulator/requests")).body.data as any[]).filter((r) => r.method === "POST" && r.path.startsWith(pathPrefix)).length;

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
    });
    after(() => emu.stop());
    beforeEach(async () => {
        await control.post("/_emulator/reset");
    });

    it("`up --replace` of a look, a failed look, the consent request and the group (without and with forceDestroy) makes a new object and deletes the old", async () => {
        const p = project("replace-all");
        try {
            await p.ok(["stack", "init", "dev"]);
            assert.equal((await p.apply("up")).result, "succeeded");
            let ids = (await p.outputs()).ids as Record<string, string>;

            // A look, twice: each time a create is sent and the id changes; one look of that name remains.
            for (let round = 0; round < 2; round++) {
                await control.del("/_emulator/requests");
                const r = await p.apply("up", ["--replace", await urnOf(p, "casual")]);
                assert.equal(r.result, "succeeded", r.stdout.slice(-3000));
                assert.equal(r.changes.replace, 1);
                const now = (await p.outputs()).ids as Record<string, string>;
                assert.notEqual(now.casual, ids.casual, "a new look");
                assert.equal(await posts("/v3/avatars"), 1, "one create sent");
                const { looks } = await stateMatchesHeyGen(p);
                assert.deepEqual(looks.filter((l: any) => l.name === "Sarah - casual").map((l: any) => l.id), [now.casual], "exactly one look of that name: the new one");
                ids = now;
            }

            // A failed look: recorded as failed, not retried by a plain up; `--replace` retrains it.
            await control.patch(`/_emulator/looks/${ids.casual}`, { status: "failed" });
            assert.equal((await p.apply("refresh")).result, "succeeded");
            const plain = await p.apply("up");
            assert.equal(plain.result, "succeeded");
            assert.equal(plain.changes.create ?? 0, 0, "a failed look is not made again by itself");
            const retrain = await p.apply("up", ["--replace", await urnOf(p, "casual")]);
            assert.equal(retrain.result, "succeeded", retrain.stdout.slice(-3000));
            const retrained = (await p.outputs()).ids as Record<string, string>;
            assert.notEqual(retrained.casual, ids.casual);
            const again = (await privateObjects()).looks.filter((l: any) => l.name === "Sarah - casual");
            assert.deepEqual(again.map((l: any) => [l.id, l.status]), [[retrained.casual, "completed"]], "a new look, trained");
            ids = retrained;

            // The consent request: asked again, with a new id.
            await control.del("/_emulator/requests");
            const consent = await p.apply("up", ["--replace", await urnOf(p, "consent")]);
            assert.equal(consent.result, "succeeded", consent.stdout.slice(-3000));
            const asked = (await p.outputs()).ids as Record<string, string>;
            assert.notEqual(asked.consent, ids.consent);
            assert.equal(await posts(`/v3/avatars/${ids.group}/consent`), 1, "consent asked again");
            ids = asked;

            // The group, without forceDestroy, then with it: a new group with new looks; the old one gone.
            for (const forceDestroy of [false, true]) {
                if (forceDestroy) {
                    await p.ok(["config", "set", "--type", "bool", "forceDestroy", "true"]);
                    assert.equal((await p.apply("up")).result, "succeeded");
                }
                const r = await p.apply("up", ["--replace", await urnOf(p, "sarah")]);
                assert.equal(r.result, "succeeded", r.stdout.slice(-4000));
                const now = (await p.outputs()).ids as Record<string, string>;
                assert.notEqual(now.group, ids.group, "a new group");
                const { groups, looks } = await stateMatchesHeyGen(p);
                assert.deepEqual(groups.map((g: any) => g.id), [now.group], "exactly one group: the new one");
                assert.deepEqual(looks.map((l: any) => l.group_id), [now.group, now.group, now.group], "its three looks, none of the old group");
                ids = now;
            }
            assert.equal((await p.apply("destroy")).result, "succeeded");
            assert.deepEqual(await privateObjects(), { groups: [], looks: [] });
        } finally {
            p.remove();
        }
    });

    it("an adopted look deleted in HeyGen is made again from its source; without one, preview names it; one look cannot be adopted twice", async () => {
        const made = (await control.post("/v3/avatars", { type: "photo", name: "Web", file: { type: "url", url: "https://cdn.example.com/w.jpg" } })).body.data;
        const groupId = made.avatar_group.id;
        const extra = (await control.post("/v3/avatars", { type: "photo", name: "Extra", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/x.jpg" } })).body.data.avatar_item.id;
        const program = (image: boolean, twice = false) => `
import * as heygen from "pulumi-heygen";
const look = new heygen.PhotoLook("extra", { groupId: "${groupId}", name: "Extra", adoptLookId: "${extra}"${image ? `, image: { url: "https://cdn.example.com/x.jpg" }` : ""} });
${twice ? `new heygen.PhotoLook("extra-again", { groupId: "${groupId}", name: "Extra", adoptLookId: "${extra}" });` : ""}
export const id = look.lookId;
`;
        const p = project("adopt-gone", program(false));
        try {
            await p.ok(["stack", "init", "dev"]);
            // Adopted without its source: nothing created.
            await control.del("/_emulator/requests");
            assert.equal((await p.apply("up")).result, "succeeded");
            assert.equal(await posts("/v3/avatars"), 0);
            assert.equal((await p.outputs()).id, extra);
            // A second resource adopting the same look fails the preview, naming both.
            fs.writeFileSync(path.join(p.dir, "index.ts"), program(false, true));
            const twice = await p.preview();
            assert.notEqual(twice.exitCode, 0);
            // (The second has the first's name in the same group too, which fails it as well.)
            assert.match(JSON.stringify(twice.diagnostics), /is managed by PhotoLook \\"extra(-again)?\\" in this stack already|is also the name of a look managed by PhotoLook \\"extra(-again)?\\"/);
            fs.writeFileSync(path.join(p.dir, "index.ts"), program(false));
            // Deleted in HeyGen: refresh drops it; without a source, the preview fails naming `image`.
            await control.del(`/_emulator/looks/${extra}`);
            assert.equal((await p.apply("refresh")).result, "succeeded");
            const blocked = await p.preview();
            assert.notEqual(blocked.exitCode, 0);
            assert.match(JSON.stringify(blocked.diagnostics), /property image value .* has a problem: is needed: adoptLookId [0-9a-f]+ no longer exists in HeyGen/);
            // With its source declared: the preview says it is made again, and up makes it (once).
            fs.writeFileSync(path.join(p.dir, "index.ts"), program(true));
            const plan = await p.preview();
            assert.equal(plan.exitCode, 0);
            assert.equal(plan.changeSummary.create, 1);
            assert.match(JSON.stringify(plan.diagnostics), /no longer exists in HeyGen, so `up` makes it again from image/);
            assert.equal((await p.apply("up")).result, "succeeded");
            const id = (await p.outputs()).id as string;
            assert.notEqual(id, extra);
            assert.deepEqual((await privateObjects()).looks.filter((l: any) => l.name === "Extra").map((l: any) => l.id), [id]);
            const noop = await p.preview();
            assert.deepEqual(noop.changeSummary, { same: 2 }, "the next preview is empty");
        } finally {
            p.remove();
        }
    });

    it("a rejected or missing key fails a preview and an up that have nothing to do, and never reaches state", async () => {
        const p = project("key-noop");
        try {
            await p.ok(["stack", "init", "dev"]);
            assert.equal((await p.apply("up")).result, "succeeded");
            const wrong = await p.run(["preview"], { env: { HEYGEN_API_KEY: "not-the-key" } });
            assert.notEqual(wrong.code, 0);
            assert.match(wrong.stdout, /HeyGen rejected the API key from HEYGEN_API_KEY/);
            const none = await p.run(["up", "--yes", "--skip-preview"], { env: { HEYGEN_API_KEY: "" } });
            assert.notEqual(none.code, 0);
            assert.match(none.stdout, /no HeyGen API key is configured/);
            // A wrong key in the stack config: up refuses it, so refresh and destroy never meet it.
            await p.ok(["config", "set", "--secret", "heygen:apiKey", "wrong-key"]);
            const up = await p.run(["up", "--yes", "--skip-preview"]);
            assert.notEqual(up.code, 0);
            assert.match(up.stdout, /HeyGen rejected the API key in heygen:apiKey .*HEYGEN_API_KEY is accepted, but `pulumi up` would save/);
            assert.ok(!(await p.exportStateRaw()).includes("wrong-key"), "the rejected key is not in state");
            await p.ok(["config", "rm", "heygen:apiKey"]);
            assert.equal((await p.apply("refresh")).result, "succeeded");
            assert.equal((await p.apply("destroy")).result, "succeeded");
        } finally {
            p.remove();
        }
    });

    it("refresh says on each resource's row what moved in HeyGen: training finished, consent given, looks added", async () => {
        const p = project("refresh-moved");
        try {
            await p.ok(["stack", "init", "dev"]);
            assert.equal((await p.apply("up")).result, "succeeded");
            const ids = (await p.outputs()).ids as Record<string, string>;
            await control.post(`/_emulator/consent/${ids.group}`, { decision: "approve" });
            await control.post("/v3/avatars", { type: "photo", name: "From the web app", avatar_group_id: ids.group, file: { type: "url", url: "https://cdn.example.com/w.jpg" } });
            const r = await p.apply("refresh");
            assert.equal(r.result, "succeeded");
            const on = (name: string) => r.diagnostics.filter((d) => d.urn?.endsWith(`::${name}`)).map((d) => d.message).join("\n");
            assert.match(on("studio"), /refresh: status: pending_consent → (processing|completed)/);
            assert.match(on("consent"), /refresh: consent: pending → approved/);
            // The group's count as of its last read (its create): the stack's own two looks and the web app's.
            assert.match(on("sarah"), /refresh: looks in the group: 1 → 4/);
        } finally {
            p.remove();
        }
    });

    it("a destroy blocked by a look made elsewhere: the error's advice, followed as written, deletes everything and re-creates nothing", async () => {
        const p = project("blocked-destroy");
        try {
            await p.ok(["stack", "init", "dev"]);
            assert.equal((await p.apply("up")).result, "succeeded");
            const ids = (await p.outputs()).ids as Record<string, string>;
            await control.post("/v3/avatars", { type: "photo", name: "Made in the web app", avatar_group_id: ids.group, file: { type: "url", url: "https://cdn.example.com/w.jpg" } });
            const refused = await p.apply("destroy");
            assert.equal(refused.result, "failed");
            const messages = refused.diagnostics.filter((d) => d.severity === "error").map((d) => d.message).join("\n");
            const advice = /apply that alone with `pulumi up --target '([^']+)'`/.exec(messages);
            assert.ok(advice, messages);
            assert.equal(messages.split("still holds 1 look").length - 1, 1, "said once");
            assert.ok(!/^\s+at /m.test(messages), "no stack frames");
            // As written: set forceDestroy, apply it alone with the targeted up, destroy again.
            await p.ok(["config", "set", "--type", "bool", "forceDestroy", "true"]);
            await control.del("/_emulator/requests");
            const targeted = await p.apply("up", ["--target", advice[1]]);
            assert.equal(targeted.result, "succeeded", targeted.stdout.slice(-3000));
            assert.equal(targeted.changes.create ?? 0, 0, "nothing the destroy deleted is made again");
            assert.equal(await posts("/v3/avatars"), 0);
            assert.equal((await p.apply("destroy")).result, "succeeded");
            assert.deepEqual(await privateObjects(), { groups: [], looks: [] });
        } finally {
            p.remove();
        }
    });

    it("small untruths: aliases leave a clean refresh, customTimeouts are warned about, repeated names and consent without a twin fail at preview", async () => {
        const aliased = (name: string, alias: boolean) => `
import * as heygen from "pulumi-heygen";
const g = new heygen.AvatarGroup("${name}", { name: "Ali", firstLook: { type: "photo", image: { path: "media/sarah.png" } } }${alias ? `, { aliases: [{ name: "ali" }] }` : ""});
new heygen.PhotoLook("x", { groupId: g.groupId, name: "X", image: { url: "https://cdn.example.com/x.jpg" } }, { customTimeouts: { create: "5m" } });
`;
        const p = project("untruths", aliased("ali", false));
        try {
            await p.ok(["stack", "init", "dev"]);
            const first = await p.apply("up");
            assert.equal(first.result, "succeeded");
            assert.match(first.diagnostics.map((d) => d.message).join("\n"), /customTimeouts have no effect on PhotoLook .*set timeoutSeconds instead/);
            fs.writeFileSync(path.join(p.dir, "index.ts"), aliased("ali-renamed", true));
            assert.equal((await p.apply("up")).result, "succeeded");
            const refresh = await p.run(["preview", "--refresh", "--json"]);
            const plan = JSON.parse(refresh.stdout);
            assert.equal(plan.changeSummary.update ?? 0, 0, "a refresh after aliases finds nothing to write back");

            // Two looks of one group with one name; a consent request for a group with no twin (the engine
            // stops a preview at its first failed check: one preview each).
            for (const [extra, expected] of [
                [`new heygen.PhotoLook("x2", { groupId: g.groupId, name: "X", image: { url: "https://cdn.example.com/x2.jpg" } });`, /is also the name of a look managed by PhotoLook \\"x2?\\" in group/],
                [`new heygen.ConsentRequest("c", { groupId: g.groupId });`, /holds no digital twin, and HeyGen asks for consent only for digital twins/],
            ] as const) {
                fs.writeFileSync(path.join(p.dir, "index.ts"), `${aliased("ali-renamed", true)}\n${extra}\n`);
                const bad = await p.preview();
                assert.notEqual(bad.exitCode, 0);
                assert.match(JSON.stringify(bad.diagnostics), expected);
            }
            fs.writeFileSync(path.join(p.dir, "index.ts"), aliased("ali-renamed", true));
            assert.equal((await p.apply("destroy")).result, "succeeded");
        } finally {
            p.remove();
        }
    });
});
