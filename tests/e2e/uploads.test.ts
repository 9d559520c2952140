// Digital twins from large local footage through the real engine: 40 MB, 500 MB and a sparse 5 GB file
// go through HeyGen's direct upload (one dropped PUT on the way), progress is shown, assets are deleted
// once their look has trained and the rest at destroy, and nothing the provider uploaded is left behind.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject } from "../support/engine";
import { http as raw, media } from "../support/http";

const MB = 1024 * 1024;

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";
const c = new pulumi.Config();
const sarah = new heygen.AvatarGroup("sarah", {
    name: "Sarah", firstLook: { type: "photo", name: "Sarah - headshot", image: { url: "https://cdn.example.com/sarah.jpg" } },
});
const twins = JSON.parse(c.get("twins") ?? "[]") as { name: string; path: string; waitFor?: "created" | "trained" }[];
export const looks = twins.map((t) => new heygen.DigitalTwinLook(t.name, {
    groupId: sarah.groupId, name: "Sarah - " + t.name, footage: { path: t.path }, waitFor: t.waitFor,
}).lookId);
export const groupId = sarah.groupId;
`;

/** `size` bytes of video: an MP4 header, then a repeated random block, or holes when sparse. */
function videoFile(file: string, size: number, sparse = false): string {
    fs.writeFileSync(file, media.mp4());
    if (sparse) {
        fs.truncateSync(file, size);
        return file;
    }
    const block = crypto.randomBytes(4 * MB);
    const fd = fs.openSync(file, "a");
    for (let left = size - 32; left > 0; left -= block.length) fs.writeSync(fd, block, 0, Math.min(block.length, left));
    fs.closeSync(fd);
    return file;
}

describe("large footage through the real engine (direct uploads, asset clean-up)", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    let p: CliProject;
    let media_: string;

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
        media_ = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-footage-"));
        p = CliProject.create("e2e-uploads", { "index.ts": PROGRAM }, { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url });
        await p.ok(["stack", "init", "dev"]);
    });
    after(async () => {
        p?.remove();
        fs.rmSync(media_, { recursive: true, force: true });
        const emuDir = emu.store.blobs.dir;
        await emu.stop();
        assert.equal(fs.existsSync(emuDir), false, "the emulator's uploaded bytes went with it");
    });

    it("uploads 40 MB, 500 MB and sparse 5 GB footage once each, resends a dropped PUT, and destroy leaves no asset", async () => {
        const up0 = await p.apply("up");
        assert.equal(up0.result, "succeeded", up0.stdout.slice(-3000));
        const groupId = (await p.outputs()).groupId as string;
        // Consent given, so the twins train (instantly) once created.
        await control.post(`/_emulator/consent/${groupId}`, { decision: "approve" });

        const twins = [
            { name: "forty", path: videoFile(path.join(media_, "forty.mp4"), 40 * MB), waitFor: "trained" },
            { name: "five-hundred", path: videoFile(path.join(media_, "five-hundred.mp4"), 500 * MB), waitFor: "created" },
            { name: "five-gb", path: videoFile(path.join(media_, "five-gb.mp4"), 5 * 1024 * MB, true), waitFor: "trained" },
        ];
        await p.ok(["config", "set", "twins", JSON.stringify(twins)]);
        await control.post("/_emulator/faults", { method: "PUT", path: "/_storage/uploads", action: "drop", times: 1 });
        await control.del("/_emulator/requests");

        const up = await p.apply("up");
        assert.equal(up.result, "succeeded", up.stdout.slice(-3000));
        assert.equal(up.changes.create, 3, JSON.stringify(up.changes));
        assert.match(up.stdout, /heygen: uploading footage 'five-gb\.mp4': 5\.00 GB in [\d.]+ s/, "the upload reports itself");
        await control.del("/_emulator/faults");

        const log = (await control.get("/_emulator/requests")).body.data as { method: string; path: string; status: number }[];
        const count = (method: string, prefix: string, status?: number) =>
            log.filter((e) => e.method === method && e.path.startsWith(prefix) && (status === undefined || e.status === status)).length;
        assert.equal(count("POST", "/v3/assets/direct-uploads"), 3, "one direct upload per file");
        assert.equal(count("PUT", "/_storage/uploads", 0), 1, "one PUT was cut");
        assert.equal(count("PUT", "/_storage/uploads", 200), 3, "and sent again");
        assert.equal(log.filter((e) => e.method === "POST" && e.path === "/v3/assets").length, 0, "nothing went through the 32 MB route");

        // The trained twins' assets are gone already; the one still training keeps its footage.
        const resources = (await p.exportState()).deployment.resources.filter((r) => r.type.endsWith("DigitalTwinLook"));
        const byName = Object.fromEntries(resources.map((r) => [r.outputs.name, r.outputs]));
        assert.equal(byName["Sarah - forty"].uploadedAssetIds, undefined);
        assert.equal(byName["Sarah - five-gb"].uploadedAssetIds, undefined);
        assert.equal(byName["Sarah - five-hundred"].uploadedAssetIds.length, 1);
        assert.equal(byName["Sarah - five-hundred"].footage.size, 500 * MB);
        assert.equal(JSON.stringify(resources).length < 20_000, true, "no bytes in state");
        const assets = (await control.get("/_emulator/state")).body.assets;
        assert.deepEqual(assets.map((a: any) => [a.id, a.size_bytes, a.sha256]), [[byName["Sarah - five-hundred"].uploadedAssetIds[0], 500 * MB, byName["Sarah - five-hundred"].footage.sha256]]);
        assert.equal(count("DELETE", "/v3/assets/", 200), 2);

        const again = await p.preview();
        assert.deepEqual(again.changeSummary, { same: 5 }, "the unchanged files plan nothing");

        const destroy = await p.apply("destroy");
        assert.equal(destroy.result, "succeeded", destroy.stdout.slice(-3000));
        const after = (await control.get("/_emulator/state")).body;
        assert.deepEqual(after.assets, [], "destroy leaves no asset the provider uploaded");
        assert.deepEqual(after.looks.filter((l: any) => !l.public), []);
        assert.deepEqual(fs.readdirSync(emu.store.blobs.dir), [], "nor their bytes");
    });

    it("reuses the upload of a create killed after it, on the next up, and destroy leaves no asset", async () => {
        const file = videoFile(path.join(media_, "killed.mp4"), 40 * MB);
        await p.ok(["config", "set", "twins", "[]"]);
        assert.equal((await p.apply("up")).result, "succeeded", "the group first");
        await p.ok(["config", "set", "twins", JSON.stringify([{ name: "killed", path: file }])]);
        // The create hangs after the upload: the run is killed there, as Ctrl-C twice or a lost machine would.
        await control.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "latency", latencyMs: 60_000, times: 1 });
        await control.del("/_emulator/requests");
        const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: p.dir, env: { ...process.env, ...p.env }, detached: true, stdio: "ignore" });
        const exited = new Promise((r) => child.on("exit", r));
        for (let i = 0; i < 600; i++) {
            const log = (await control.get("/_emulator/requests")).body.data as { method: string; path: string }[];
            if (log.some((e) => e.path.endsWith("/complete"))) break;
            await new Promise((r) => setTimeout(r, 200));
        }
        await new Promise((r) => setTimeout(r, 500)); // the create is on its way
        const abandoned = (await control.get("/_emulator/state")).body.assets.map((a: any) => a.id);
        assert.equal(abandoned.length, 1, "the killed run uploaded its file");
        // The engine starts the provider in a process group of its own: the note of the upload names it.
        const note = JSON.parse(fs.readFileSync(path.join(os.tmpdir(), "pulumi-heygen-uploads", `${abandoned[0]}.json`), "utf8"));
        process.kill(-child.pid!, "SIGKILL"); // the engine and the program
        try {
            process.kill(note.pid, "SIGKILL"); // and the provider, mid-create, should it outlive the engine
        } catch { /* it ended with the engine */ }
        await exited;
        await control.del("/_emulator/faults");

        await p.ok(["cancel", "--yes"]).catch(() => undefined); // a killed run leaves the file backend locked
        await control.del("/_emulator/requests");
        const up = await p.apply("up");
        assert.equal(up.result, "succeeded", up.stdout.slice(-3000));
        const assets = (await control.get("/_emulator/state")).body.assets.map((a: any) => a.id);
        // The create's Idempotency-Key is the killed run's, so its upload is found again and reused.
        assert.deepEqual(assets, abandoned, "one asset: the killed run's, reused");
        const log = (await control.get("/_emulator/requests")).body.data as { method: string; path: string }[];
        assert.equal(log.filter((e) => e.method === "PUT").length, 0, "no byte sent twice");
        assert.equal((await p.apply("destroy")).result, "succeeded");
        assert.deepEqual((await control.get("/_emulator/state")).body.assets, []);
    });
});
