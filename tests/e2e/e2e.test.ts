// Every lifecycle step through the real engine (CLI, file:// backend) against the emulator on a free port,
// asserting on the engine's own reports, the exported state and the emulator's request log.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, REPO } from "../support/engine";
import { http as raw, media } from "../support/http";

// An estate like the main job's, its knobs in config so tests can change them between runs.
const ESTATE = `
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";
const c = new pulumi.Config();
const sarah = new heygen.AvatarGroup("sarah", {
    name: "Sarah",
    firstLook: { type: "photo", name: "Sarah - headshot", image: { path: "media/sarah.png" } },
});
const studio = new heygen.DigitalTwinLook("studio", {
    groupId: sarah.groupId, name: "Sarah - studio", footage: { url: c.get("footageUrl") ?? "https://cdn.example.com/studio.mp4" },
});
const casual = new heygen.PhotoLook("casual", {
    groupId: sarah.groupId, name: c.get("casualName") ?? "Sarah - casual",
    image: { base64: require("fs").readFileSync("media/casual.png").toString("base64"), mediaType: "image/png" },
});
const dreamy = new heygen.PromptLook("dreamy", { groupId: sarah.groupId, name: "Sarah - dreamy", prompt: "Sarah in a meadow" });
const consent = new heygen.ConsentRequest("consent", { groupId: sarah.groupId, rerouteUrl: "https://example.com/thanks" }, { dependsOn: [studio] });
export const groupId = sarah.groupId;
export const lookIds = { headshot: sarah.firstLookId, studio: studio.lookId, casual: casual.lookId, dreamy: dreamy.lookId };
export const studioStatus = studio.status;
export const consentUrl = consent.url;
export const consentStatus = consent.consentStatus;
`;

type LogEntry = { method: string; path: string; status: number; idempotencyKey: string | null };
const WRITES = new Set(["POST", "PATCH", "DELETE", "PUT"]);

describe("end to end (real engine, emulator)", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    const env = () => ({ HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url });
    const log = async (): Promise<LogEntry[]> => {
        const entries = (await control.get("/_emulator/requests")).body.data as LogEntry[];
        await control.del("/_emulator/requests");
        return entries;
    };
    const writes = (entries: LogEntry[]) => entries.filter((e) => WRITES.has(e.method)).map((e) => `${e.method} ${e.path.replace(/[0-9a-f]{32}/g, ":id")}`);
    const project = (name: string, program: string, extra: Record<string, string> = {}) => {
        const p = CliProject.create(name, { "index.ts": program, ...extra }, env());
        fs.mkdirSync(path.join(p.dir, "media"), { recursive: true });
        fs.writeFileSync(path.join(p.dir, "media", "sarah.png"), media.png(800, 800));
        fs.writeFileSync(path.join(p.dir, "media", "casual.png"), media.png(640, 640));
        return p;
    };
    const privateObjects = async () => {
        const s = (await control.get("/_emulator/state")).body;
        return { groups: s.groups.filter((g: any) => !g.public), looks: s.looks.filter((l: any) => !l.public) };
    };
    const resourcesOf = async (p: CliProject) => (await p.exportState()).deployment.resources.filter((r) => r.type.includes("heygen"));

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
    });
    after(() => emu.stop());

    describe("the lifecycle of an estate", () => {
        let p: CliProject;
        before(async () => {
            await control.post("/_emulator/reset");
            await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant" });
            p = project("e2e-estate", ESTATE);
            await p.ok(["stack", "init", "dev"]);
            await log();
        });
        after(() => p.remove());

        it("previews an empty stack as N creates and sends no write", async () => {
            const plan = await p.preview();
            assert.equal(plan.exitCode, 0, JSON.stringify(plan.diagnostics));
            assert.deepEqual(plan.changeSummary, { create: 6 });
            assert.deepEqual(writes(await log()), []);
        });

        it("creates them with up; the emulator holds exactly what the stack says", async () => {
            const up = await p.apply("up");
            assert.equal(up.result, "succeeded", up.stdout.slice(-3000));
            assert.deepEqual(up.changes, { create: 6 });
            const out = await p.outputs();
            const { groups, looks } = await privateObjects();
            assert.deepEqual(groups.map((g: any) => g.id), [out.groupId]);
            assert.deepEqual(looks.map((l: any) => l.id).sort(), Object.values(out.lookIds as object).sort());
            assert.equal(out.studioStatus, "pending_consent");
            const creates = writes(await log()).filter((w) => w === "POST /v3/avatars");
            assert.equal(creates.length, 4, "one create per look, no duplicates");
        });

        it("previews again with no changes and one request: the key's check (a bad key must never pass a preview)", async () => {
            const plan = await p.preview();
            assert.deepEqual(plan.changeSummary, { same: 6 });
            assert.deepEqual((await log()).map((e) => `${e.method} ${e.path}`), ["GET /v3/users/me"]);
        });

        it("renames a look in place: preview says update, up sends one PATCH", async () => {
            await p.ok(["config", "set", "casualName", "Sarah - weekend"]);
            const plan = await p.preview(["--diff"]);
            const step = plan.steps.find((s) => s.urn.endsWith("::casual"))!;
            assert.equal(step.op, "update");
            assert.deepEqual(plan.changeSummary, { same: 5, update: 1 });
            await log();
            const up = await p.apply("up");
            assert.deepEqual(up.changes, { same: 5, update: 1 });
            assert.deepEqual(writes(await log()), ["PATCH /v3/avatars/looks/:id"]);
        });

        it("replaces a look whose footage changed, creating the new one before deleting the old", async () => {
            const before = (await p.outputs()) as any;
            await p.ok(["config", "set", "footageUrl", "https://cdn.example.com/studio-v2.mp4"]);
            const plan = await p.preview();
            const step = plan.steps.find((s) => s.urn.endsWith("::studio"))!;
            assert.equal(step.op, "replace");
            assert.deepEqual(step.replaceReasons, ["footage"]);
            await log();
            const up = await p.apply("up");
            assert.equal(up.result, "succeeded");
            assert.deepEqual(writes(await log()), ["POST /v3/avatars", "DELETE /v3/avatars/looks/:id"]);
            const after = (await p.outputs()) as any;
            assert.notEqual(after.lookIds.studio, before.lookIds.studio);
            assert.equal((await control.get(`/v3/avatars/looks/${before.lookIds.studio}`)).status, 404);
        });

        it("finds a look renamed and one deleted behind its back with refresh, and restores them with up", async () => {
            const out = (await p.outputs()) as any;
            await control.patch(`/_emulator/looks/${out.lookIds.casual}`, { name: "Renamed in the web app" });
            await control.del(`/_emulator/looks/${out.lookIds.dreamy}`);
            const refresh = await p.apply("refresh");
            assert.equal(refresh.result, "succeeded");
            assert.equal(refresh.changes.delete, 1, JSON.stringify(refresh.changes));
            assert.equal(refresh.changes.update, 1, JSON.stringify(refresh.changes));
            const plan = await p.preview();
            assert.equal(plan.steps.find((s) => s.urn.endsWith("::casual"))?.op, "update");
            assert.equal(plan.steps.find((s) => s.urn.endsWith("::dreamy"))?.op, "create");
            await log();
            const up = await p.apply("up");
            assert.equal(up.result, "succeeded");
            // dreamy's create: the journal says its last create reached the engine, so it takes the next key (one POST).
            assert.deepEqual(writes(await log()).sort(), ["PATCH /v3/avatars/looks/:id", "POST /v3/avatars"]);
            const dreamy = ((await p.outputs()) as any).lookIds.dreamy;
            assert.notEqual(dreamy, out.lookIds.dreamy);
            assert.equal((await control.get(`/v3/avatars/looks/${dreamy}`)).status, 200, "the recorded look exists");
            const casual = (await control.get(`/v3/avatars/looks/${out.lookIds.casual}`)).body.data;
            assert.equal(casual.name, "Sarah - weekend");
            assert.deepEqual((await p.preview()).changeSummary, { same: 6 });
        });

        it("shows consent approved on the emulator's page after refresh, and the twin completes", async () => {
            const url = (await p.outputs(true)).consentUrl as string;
            assert.ok(url.startsWith(`${emu.url}/consent/`), url);
            const form = await fetch(url, { method: "POST", body: new URLSearchParams({ decision: "approve" }), redirect: "manual" });
            assert.equal(form.status, 303);
            const refresh = await p.apply("refresh");
            assert.equal(refresh.result, "succeeded");
            // Refresh updates resources' state (stack outputs change only when the program runs).
            const resources = await resourcesOf(p);
            assert.equal(resources.find((r) => r.urn.endsWith("::consent"))!.outputs.consentStatus, "approved");
            assert.equal(resources.find((r) => r.urn.endsWith("::studio"))!.outputs.status, "completed");
            assert.deepEqual((await p.preview()).changeSummary, { same: 6 }, "a refresh that found only progress leaves preview clean");
        });

        it("keeps the API key and uploaded bytes out of state, the consent URL secret, __provider small", async () => {
            const rawState = await p.exportStateRaw();
            assert.equal(rawState.includes(emu.apiKey), false, "no API key");
            assert.equal(rawState.includes(media.png(640, 640).toString("base64")), false, "no base64 bytes");
            const url = (await p.outputs(true)).consentUrl as string;
            assert.equal(rawState.includes(url), false, "the consent url is encrypted");
            const outputs = JSON.parse((await p.ok(["stack", "output", "--json"])).stdout);
            assert.equal(outputs.consentUrl, "[secret]");
            for (const r of JSON.parse(rawState).deployment.resources.filter((x: any) => x.type.includes("heygen"))) {
                assert.ok(r.outputs.__provider.length < 2048, `${r.urn}: ${r.outputs.__provider.length} bytes`);
            }
        });

        it("destroys everything and leaves no private avatar behind", async () => {
            const destroy = await p.apply("destroy");
            assert.equal(destroy.result, "succeeded");
            assert.deepEqual(destroy.changes, { delete: 6 });
            const { groups, looks } = await privateObjects();
            assert.deepEqual([groups.length, looks.length], [0, 0]);
        });
    });

    describe("failures", () => {
        beforeEach(async () => {
            await control.post("/_emulator/reset");
            await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant" });
        });

        it("fails invalid input at preview, naming the property, and creates nothing", async () => {
            // The engine stops at the first resource whose check fails, listing all of that resource's problems.
            const p = project("e2e-invalid", `
import * as heygen from "pulumi-heygen";
new heygen.AvatarGroup("g", { name: "${"x".repeat(256)}", firstLook: { type: "photo", image: { path: "media/missing.png" } } });
`);
            try {
                await p.ok(["stack", "init", "dev"]);
                await log();
                const plan = await p.preview();
                assert.notEqual(plan.exitCode, 0);
                const messages = (plan.diagnostics ?? []).map((d) => d.message).join("\n");
                assert.match(messages, /property name value .* has a problem: is 256 characters; HeyGen allows at most 255/);
                assert.match(messages, /firstLook\.image\.path .* file 'media\/missing\.png' does not exist/);

                fs.writeFileSync(path.join(p.dir, "index.ts"), `
import * as heygen from "pulumi-heygen";
new heygen.PromptLook("p", { groupId: "existing-group", name: "p", prompt: "${"y".repeat(1001)}", referenceImages: [{ url: "http://insecure.example/a.jpg" }] });
`);
                const second = await p.preview();
                assert.notEqual(second.exitCode, 0);
                const more = (second.diagnostics ?? []).map((d) => d.message).join("\n");
                assert.match(more, /property prompt value .* is 1001 characters; HeyGen allows at most 1000/);
                assert.match(more, /property referenceImages\[0\]\.url .* is not an https URL/);
                assert.deepEqual(writes(await log()), []);
                assert.deepEqual((await privateObjects()).looks, []);
            } finally {
                p.remove();
            }
        });

        it("fails a preview with a rejected or missing key, saying where the key came from, and sends nothing", async () => {
            const p = project("e2e-key", `
import * as heygen from "pulumi-heygen";
new heygen.PromptLook("p", { groupId: "existing-group", name: "p", prompt: "a chef" });
`);
            try {
                await p.ok(["stack", "init", "dev"]);
                const wrong = await p.run(["preview"], { env: { HEYGEN_API_KEY: "not-the-key" } });
                assert.notEqual(wrong.code, 0);
                assert.match(wrong.stdout, /HeyGen rejected the API key from HEYGEN_API_KEY \(HTTP 401 at http:\/\/127\.0\.0\.1:\d+\)/);
                assert.doesNotMatch(wrong.stdout + wrong.stderr, /not-the-key/, "the key is never printed");
                const none = await p.run(["preview"], { env: { HEYGEN_API_KEY: "" } });
                assert.match(none.stdout, /no HeyGen API key is configured: run `pulumi config set --secret heygen:apiKey <key>` or set HEYGEN_API_KEY/);
                assert.deepEqual(writes(await log()), []);
            } finally {
                p.remove();
            }
        });

        it("records a look whose training fails and one whose wait times out, with the API's message; nothing leaks", async () => {
            await control.put("/_emulator/timing", { prompt: "60s" });
            const p = project("e2e-fail", `
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";
const c = new pulumi.Config();
const g = new heygen.AvatarGroup("g", { name: "Fragile", firstLook: { type: "photo", image: { url: "https://cdn.example.com/ok.jpg" } } });
new heygen.PhotoLook("broken", { groupId: g.groupId, name: "Broken", image: { url: c.get("brokenUrl") ?? "https://cdn.example.com/fail-training.jpg" } });
new heygen.PromptLook("slow", { groupId: g.groupId, name: "Slow", prompt: "takes a while", timeoutSeconds: 2 });
`);
            try {
                await p.ok(["stack", "init", "dev"]);
                const up = await p.apply("up");
                assert.equal(up.result, "failed");
                const messages = up.diagnostics.map((d) => d.message).join("\n");
                assert.match(messages, /photo look "Broken" \([0-9a-f]{32}\) failed to train: Avatar training failed: no usable face was found in the input/);
                assert.match(messages, /prompt look "Slow" is still processing after 2 s; it is recorded in state/);
                const resources = await resourcesOf(p);
                const broken = resources.find((r) => r.urn.endsWith("::broken"))!;
                const slow = resources.find((r) => r.urn.endsWith("::slow"))!;
                assert.equal(broken.outputs.status, "failed");
                assert.equal(slow.outputs.status, "processing");
                assert.ok(broken.outputs.__provider && slow.outputs.__provider, "partial state keeps its provider");
                const { looks } = await privateObjects();
                assert.deepEqual(looks.map((l: any) => l.id).sort(), resources.map((r) => r.outputs.lookId ?? r.outputs.firstLookId).sort(), "nothing leaked");
                // The photo is fixed and training finishes: the next up replaces the failed look and
                // finishes waiting for the slow one; the failed look is deleted, nothing is left over.
                await control.put("/_emulator/timing", { prompt: "instant" });
                await p.ok(["config", "set", "brokenUrl", "https://cdn.example.com/good.jpg"]);
                const again = await p.apply("up");
                assert.equal(again.result, "succeeded", again.stdout.slice(-3000));
                assert.equal(again.changes.replace, 1, JSON.stringify(again.changes));
                assert.equal(again.changes.update, 1, JSON.stringify(again.changes));
                const healed = await resourcesOf(p);
                assert.deepEqual(healed.filter((r) => r.outputs.lookId).map((r) => r.outputs.status), ["completed", "completed"]);
                assert.equal((await privateObjects()).looks.length, 3);
                const destroy = await p.apply("destroy");
                assert.equal(destroy.result, "succeeded");
            } finally {
                p.remove();
            }
        });

        it("succeeds under 429s, 503s, latency and a create whose answer was lost, with no duplicates", async () => {
            const p = project("e2e-faults", ESTATE);
            try {
                await p.ok(["stack", "init", "dev"]);
                const rules = [
                    { method: "POST", path: "/v3/avatars", action: "error", status: 429, retryAfter: 1, times: 2 },
                    { method: "GET", path: "/v3/avatars/looks", action: "error", status: 503, times: 2 },
                    { path: "/v3", action: "latency", latencyMs: 50 },
                    { method: "POST", path: "/v3/avatars", action: "drop_after", times: 1 },
                    { method: "POST", path: "/v3/assets", action: "drop_after", times: 1 },
                ];
                for (const r of rules) assert.equal((await control.post("/_emulator/faults", r)).status, 200);
                await log();
                const up = await p.apply("up");
                assert.equal(up.result, "succeeded", up.stdout.slice(-3000));
                const entries = await log();
                assert.ok(entries.some((e) => e.status === 429) && entries.some((e) => e.status === 503) && entries.some((e) => e.status === 0));
                const { groups, looks } = await privateObjects();
                assert.equal(groups.length, 1, "one group");
                assert.equal(looks.length, 4, "four looks, none twice");
                // Each file uploaded once: both assets were deleted once their looks trained, and none is left over.
                assert.equal(entries.filter((e) => e.method === "DELETE" && e.path.startsWith("/v3/assets/") && e.status === 200).length, 2);
                assert.deepEqual((await control.get("/_emulator/state")).body.assets, [], "each file uploaded once");
                await control.del("/_emulator/faults");
                assert.equal((await p.apply("destroy")).result, "succeeded");
            } finally {
                p.remove();
            }
        });
    });

    describe("upgrades", () => {
        it("changing the installed provider code causes no replacement, and destroy runs the new code", async () => {
            await control.post("/_emulator/reset");
            const p = project("e2e-upgrade", ESTATE);
            // This project gets its own installed copy of the package, which the test then changes.
            const installed = path.join(p.dir, "node_modules", "pulumi-heygen");
            fs.mkdirSync(installed, { recursive: true });
            fs.copyFileSync(path.join(REPO, "package.json"), path.join(installed, "package.json"));
            fs.cpSync(path.join(REPO, "dist"), path.join(installed, "dist"), { recursive: true });
            try {
                await p.ok(["stack", "init", "dev"]);
                assert.equal((await p.apply("up")).result, "succeeded");

                // "v2": the same package with a changed delete handler that leaves a mark.
                const marker = path.join(p.dir, "deleted-by-v2.txt");
                const handlers = path.join(installed, "dist", "provider", "handlers.js");
                fs.appendFileSync(handlers, `
const v1Run = exports.run;
exports.run = function (provider, method, args) {
    if (method === "delete") require("fs").appendFileSync(${JSON.stringify(marker)}, provider.kind + "\\n");
    return v1Run(provider, method, args);
};
`);
                const plan = await p.preview();
                assert.deepEqual(plan.changeSummary, { same: 6 }, "no replacement, no update");
                const destroy = await p.apply("destroy");
                assert.equal(destroy.result, "succeeded");
                const kinds = fs.readFileSync(marker, "utf8").trim().split("\n").sort();
                assert.deepEqual(kinds, ["avatarGroup", "consentRequest", "digitalTwinLook", "photoLook", "promptLook"]);
            } finally {
                p.remove();
            }
        });
    });
});
