// Assets over real HTTP: the emulator's direct uploads (the presigned PUT streamed to disk, its signed
// size, type, checksum and expiry), completion, listing and deletion; the spec differences HeyGen's CLI
// found; then the client's streamed PUT under faults, and the provider's upload path and clean-up.
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { HeyGenClient } from "../../provider/client";
import { uploadRoute } from "../../provider/lifecycle/uploads";
import { forgetProcess } from "../../provider/memory";
import { configure, handlers } from "../../provider/handlers";
import { progressReporter } from "../../provider/progress";
import { type JournalEntry, abandoned, assetsNeeded, journal } from "../../provider/lifecycle/uploadedAssets";
import { http, media, photoUrl, videoUrl } from "../support/http";

const MB = 1024 * 1024;

/** A video file of `size` bytes: an MP4 header, then a repeated random block (or holes, when sparse). */
function videoFile(file: string, size: number, sparse = false): string {
    fs.writeFileSync(file, media.mp4());
    if (sparse) fs.truncateSync(file, size);
    else {
        const block = crypto.randomBytes(MB);
        const fd = fs.openSync(file, "a");
        for (let left = size - 32; left > 0; left -= MB) fs.writeSync(fd, block, 0, Math.min(MB, left));
        fs.closeSync(fd);
    }
    return file;
}
const sha256Of = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("assets", function () {
    this.timeout(60_000);
    let emu: Emulator;
    let api: ReturnType<typeof http>;
    let dir: string;
    const state = async () => (await api.get("/_emulator/state")).body;
    const log = async () => {
        const entries = (await api.get("/_emulator/requests")).body.data as { method: string; path: string; status: number; query: string; fault: string | null }[];
        await api.del("/_emulator/requests");
        return entries.map((e) => ({ ...e, path: e.path.replace(/[0-9a-f]{32}/g, ":id") }));
    };
    const begin = (bytes: Buffer, extra: object = {}) =>
        api.post("/v3/assets/direct-uploads", { filename: "f.mp4", content_type: "video/mp4", size_bytes: bytes.length, ...extra });
    const put = (d: { upload_url: string; upload_headers: Record<string, string> }, body: Buffer, headers: Record<string, string> = d.upload_headers) =>
        fetch(d.upload_url, { method: "PUT", headers, body });

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        api = http(emu.url);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-assets-"));
    });
    after(async () => {
        await emu.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
        await api.post("/_emulator/reset");
        await api.put("/_emulator/timing", { photo: "instant", prompt: "instant", digital_twin: "instant" });
    });

    describe("emulator: direct uploads", () => {
        it("begins, takes the bytes at the presigned URL without a key, completes idempotently, lists and deletes", async () => {
            const bytes = Buffer.concat([media.mp4(), crypto.randomBytes(4096)]);
            const checksum = crypto.createHash("sha256").update(bytes).digest("hex");
            const begun = await begin(bytes, { checksum_sha256: checksum });
            assert.equal(begun.status, 200);
            const d = begun.body.data;
            assert.deepEqual(Object.keys(d).sort(), ["asset_id", "expires_in_seconds", "max_bytes", "status", "upload_headers", "upload_url"]);
            assert.equal(d.status, "pending_upload");
            assert.equal(d.max_bytes, bytes.length);
            assert.equal(d.upload_headers["x-amz-checksum-sha256"], Buffer.from(checksum, "hex").toString("base64"));
            assert.equal((await api.get(`/v3/assets/${d.asset_id}`)).body.data.url, null, "no URL before the bytes");
            assert.equal((await api.post(`/v3/assets/${d.asset_id}/complete`)).status, 400, "nothing to complete yet");

            const r = await put(d, bytes);
            assert.equal(r.status, 200, await r.text());
            const done = await api.post(`/v3/assets/${d.asset_id}/complete`, { checksum_sha256: checksum });
            assert.deepEqual(done.body.data, { asset_id: d.asset_id, url: `${emu.url}/_files/assets/${d.asset_id}`, mime_type: "video/mp4", size_bytes: bytes.length, status: "processing" });
            assert.deepEqual((await api.call("POST", `/v3/assets/${d.asset_id}/complete`)).body, done.body, "idempotent, also without a body");
            assert.equal((await put(d, bytes)).status, 403, "a completed upload takes no more bytes");

            const meta = (await api.get(`/v3/assets/${d.asset_id}`)).body.data;
            assert.deepEqual(meta, { id: d.asset_id, name: "f.mp4", type: "video", owner: "emulator", space_id: "space_emulator", folder_id: null, uploaded_at: meta.uploaded_at, url: done.body.data.url });
            const served = await fetch(meta.url);
            assert.deepEqual(Buffer.from(await served.arrayBuffer()), bytes, "the url serves the stored bytes");

            const look = await api.post("/v3/avatars", { type: "digital_twin", name: "From upload", file: { type: "asset_id", asset_id: d.asset_id } });
            assert.equal(look.status, 200);
            const file = path.join(emu.store.blobs.dir, d.asset_id);
            assert.ok(fs.existsSync(file));
            // The twin waits for consent: its input cannot go yet.
            const busy = await api.del(`/v3/assets/${d.asset_id}`);
            assert.equal(busy.status, 409);
            assert.equal(busy.body.error.code, "conflict");
            await api.post(`/_emulator/consent/${look.body.data.avatar_group.id}`, { decision: "approve" });
            await api.get(`/v3/avatars/looks/${look.body.data.avatar_item.id}`); // trained (instant)
            assert.deepEqual((await api.del(`/v3/assets/${d.asset_id}`)).body, { data: { id: d.asset_id } });
            assert.equal(fs.existsSync(file), false, "its bytes are gone from disk");
            assert.equal((await api.del(`/v3/assets/${d.asset_id}`)).body.error.code, "asset_not_found");
            assert.equal((await api.get(`/v3/avatars/looks/${look.body.data.avatar_item.id}`)).body.data.status, "completed", "the look is unharmed");
        });

        it("enforces the signature, the signed headers, size and checksum, and the expiry; a refused PUT stores nothing", async () => {
            const bytes = Buffer.concat([media.mp4(), crypto.randomBytes(1000)]);
            const checksum = crypto.createHash("sha256").update(bytes).digest("hex");
            const d = (await begin(bytes, { checksum_sha256: checksum })).body.data;
            const xmlCode = async (r: Response) => /<Code>(\w+)<\/Code>/.exec(await r.text())?.[1];
            const wrongSig = { ...d, upload_url: d.upload_url.replace(/signature=\w+/, "signature=0000") };
            let r = await put(wrongSig, bytes);
            assert.deepEqual([r.status, await xmlCode(r)], [403, "AccessDenied"]);
            r = await put(d, bytes, { "Content-Type": "video/mp4" });
            assert.deepEqual([r.status, await xmlCode(r)], [403, "SignatureDoesNotMatch"], "the checksum header is signed");
            r = await put(d, Buffer.concat([bytes, Buffer.from("x")]));
            assert.deepEqual([r.status, await xmlCode(r)], [403, "SignatureDoesNotMatch"], "the size is signed");
            const tampered = Buffer.from(bytes);
            tampered[100] ^= 1;
            r = await put(d, tampered);
            assert.deepEqual([r.status, await xmlCode(r)], [400, "BadDigest"]);
            assert.deepEqual(fs.readdirSync(emu.store.blobs.dir), [], "nothing stored");
            emu.store.state.assets[d.asset_id].direct!.expires_at = Math.floor(Date.now() / 1000) - 1;
            r = await put(d, bytes);
            assert.deepEqual([r.status, await xmlCode(r)], [403, "AccessDenied"]);
            // An expired upload that never got its bytes is dropped.
            assert.equal((await api.get(`/v3/assets/${d.asset_id}`)).body.error.code, "asset_not_found");
        });

        it("verifies the declared type against the stored bytes at completion", async () => {
            const png = media.png();
            const d = (await api.post("/v3/assets/direct-uploads", { filename: "x.mp4", content_type: "video/mp4", size_bytes: png.length })).body.data;
            assert.equal((await put(d, png)).status, 200);
            const r = await api.post(`/v3/assets/${d.asset_id}/complete`);
            assert.equal(r.status, 400);
            assert.equal(r.body.error.param, "content_type");
            assert.match(r.body.error.message, /declared video\/mp4 but the uploaded bytes are image\/png/);
            const bad = await api.post("/v3/assets/direct-uploads", { filename: "x", content_type: "text/plain", size_bytes: 1 });
            assert.equal(bad.body.error.param, "content_type");
            assert.equal((await api.post("/v3/assets/direct-uploads", { filename: "x", content_type: "video/mp4", size_bytes: 6 * 1024 ** 3 })).body.error.param, "size_bytes");
            assert.equal((await api.post("/v3/assets/direct-uploads", { filename: "x", content_type: "video/mp4" })).body.error.param, "size_bytes");
        });

        it("streams a 256 MB upload to disk: the emulator's memory stays flat and zeros stay holes", async () => {
            const file = videoFile(path.join(dir, "big.mp4"), 256 * MB, true);
            const d = (await api.post("/v3/assets/direct-uploads", { filename: "big.mp4", content_type: "video/mp4", size_bytes: 256 * MB })).body.data;
            const before = process.memoryUsage().rss;
            const headers = Object.entries(d.upload_headers as Record<string, string>).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
            const curl = await new Promise<{ out: string; err: string }>((resolve) =>
                execFile("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", file, ...headers, d.upload_url], (_e, out, err) => resolve({ out, err })));
            assert.equal(curl.out, "200", curl.err);
            const grew = (process.memoryUsage().rss - before) / MB;
            assert.ok(grew < 64, `RSS grew ${grew.toFixed(0)} MB for a 256 MB upload`);
            const stored = fs.statSync(path.join(emu.store.blobs.dir, d.asset_id));
            assert.equal(stored.size, 256 * MB);
            assert.ok(stored.blocks * 512 < 4 * MB, `sparse on disk: ${stored.blocks * 512} bytes allocated`);
            assert.equal((await api.post(`/v3/assets/${d.asset_id}/complete`)).body.data.size_bytes, 256 * MB);
        });

        it("pages GET /v3/assets, newest first, and lists completed assets only", async () => {
            const form = (name: string) => {
                const f = new FormData();
                f.append("file", new Blob([new Uint8Array(media.png())]), name);
                return f;
            };
            for (const n of ["a.png", "b.png", "c.png"]) await api.call("POST", "/v3/assets", { body: form(n) });
            await begin(media.mp4()); // pending: not listed
            const first = (await api.get("/v3/assets?limit=2")).body;
            assert.deepEqual(first.data.map((a: any) => a.name), ["c.png", "b.png"]);
            assert.equal(first.has_more, true);
            const second = (await api.get(`/v3/assets?limit=2&token=${first.next_token}`)).body;
            assert.deepEqual(second.data.map((a: any) => a.name), ["a.png"]);
            assert.equal(second.next_token, null);
            assert.equal((await api.get("/v3/assets?limit=0")).body.error.param, "limit");
        });

        it("covers the new routes with faults and the request log (the upload URL's signature redacted)", async () => {
            const bytes = media.mp4();
            const d = (await begin(bytes)).body.data;
            await api.post("/_emulator/faults", { method: "PUT", path: "/_storage/uploads", action: "error", status: 503, times: 1 });
            await api.post("/_emulator/faults", { method: "POST", path: "/^\\/v3\\/assets\\/[^/]+\\/complete$/", action: "drop", times: 1 });
            assert.equal((await put(d, bytes)).status, 503);
            assert.equal((await put(d, bytes)).status, 200);
            await assert.rejects(fetch(`${emu.url}/v3/assets/${d.asset_id}/complete`, { method: "POST", headers: { "X-Api-Key": emu.apiKey } }));
            assert.equal((await api.post(`/v3/assets/${d.asset_id}/complete`)).status, 200);
            await api.del(`/v3/assets/${d.asset_id}`);
            await api.del("/_emulator/faults");
            const entries = (await log()).filter((e) => !e.path.startsWith("/_emulator"));
            assert.deepEqual(entries.map((e) => `${e.method} ${e.path} ${e.status}`), [
                "POST /v3/assets/direct-uploads 200",
                "PUT /_storage/uploads/:id 503", "PUT /_storage/uploads/:id 200",
                "POST /v3/assets/:id/complete 0", "POST /v3/assets/:id/complete 200",
                "DELETE /v3/assets/:id 200",
            ]);
            assert.match(entries[1].query, /signature=REDACTED/);
        });

        it("keeps uploaded bytes across a restart with a data dir, and drops them on reset", async () => {
            const dataDir = fs.mkdtempSync(path.join(dir, "data-"));
            const a = await startEmulator({ dataDir });
            const bytes = Buffer.concat([media.mp4(), crypto.randomBytes(100)]);
            const d = (await http(a.url).post("/v3/assets/direct-uploads", { filename: "f.mp4", content_type: "video/mp4", size_bytes: bytes.length })).body.data;
            assert.equal((await put(d, bytes)).status, 200);
            await a.stop();
            const b = await startEmulator({ dataDir });
            try {
                assert.equal((await http(b.url).post(`/v3/assets/${d.asset_id}/complete`)).status, 200);
                assert.deepEqual(fs.readdirSync(path.join(dataDir, "assets")), [d.asset_id]);
                await http(b.url).post("/_emulator/reset");
                assert.deepEqual(fs.readdirSync(path.join(dataDir, "assets")), []);
            } finally {
                await b.stop();
            }
        });
    });

    describe("emulator: what HeyGen's CLI found against the spec", () => {
        it("takes null for the fields the spec marks nullable", async () => {
            const r = await api.post("/v3/avatars", { type: "photo", name: "N", file: photoUrl(), avatar_group_id: null });
            assert.equal(r.status, 200, JSON.stringify(r.body));
            const groupId = r.body.data.avatar_group.id;
            const p = await api.post("/v3/avatars", { type: "prompt", name: "P", prompt: "in a meadow", avatar_group_id: groupId, reference_images: null, avatar_id: null });
            assert.equal(p.status, 200, JSON.stringify(p.body));
            await api.post("/v3/avatars", { type: "digital_twin", name: "T", file: videoUrl(), avatar_group_id: groupId });
            const c = await api.post(`/v3/avatars/${groupId}/consent`, { reroute_url: null, consent_text: null, consent_video: null });
            assert.equal(c.status, 200, JSON.stringify(c.body));
            const look = r.body.data.avatar_item.id;
            const n = await api.patch(`/v3/avatars/looks/${look}`, { name: null });
            assert.deepEqual([n.status, n.body.data.name], [200, "N"]);
        });
        it("takes PATCH {} of a look, and consent with an empty body, as valid requests", async () => {
            const r = await api.post("/v3/avatars", { type: "digital_twin", name: "Twin", file: videoUrl() });
            const { avatar_item: look, avatar_group: group } = r.body.data;
            const p = await api.patch(`/v3/avatars/looks/${look.id}`, {});
            assert.deepEqual([p.status, p.body.data.name], [200, "Twin"]);
            const bare = await api.call("POST", `/v3/avatars/${group.id}/consent`);
            assert.equal(bare.status, 200, JSON.stringify(bare.body));
            const emptyJson = await api.call("POST", `/v3/avatars/${group.id}/consent`, { body: "", headers: { "Content-Type": "application/json" } });
            assert.equal(emptyJson.status, 200, JSON.stringify(emptyJson.body));
            assert.match(emptyJson.body.data.url, /\/consent\//);
        });
        it("answers asset routes it does not serve as unknown routes, not as a missing asset", async () => {
            for (const [method, p] of [["GET", "/v3/assets/search?query=pizza"], ["GET", "/v3/assets/batches/b1"], ["POST", "/v3/assets/complete/batches"], ["POST", "/v3/assets/direct-uploads/batches"], ["DELETE", "/v3/assets/search"]]) {
                const r = await api.call(method, p, method === "POST" ? { json: {} } : {});
                assert.deepEqual([r.status, r.body.error.code], [404, "not_found"], `${method} ${p}`);
            }
            assert.equal((await api.get("/v3/assets/nope")).body.error.code, "asset_not_found");
        });
    });

    describe("client: the streamed PUT", () => {
        const client = () => new HeyGenClient({ apiKey: emu.apiKey, baseUrl: emu.url, retry: { baseDelayMs: 1, maxDelayMs: 5 } });

        it("sends a 40 MB file again to the same URL when the connection drops, making one asset", async () => {
            const file = videoFile(path.join(dir, "forty.mp4"), 40 * MB);
            const c = client();
            const target = await c.createDirectUpload({ filename: "forty.mp4", content_type: "video/mp4", size_bytes: 40 * MB, checksum_sha256: sha256Of(file) }, "k1");
            await api.post("/_emulator/faults", { method: "PUT", path: "/_storage/uploads", action: "drop", times: 1 });
            const seen: number[] = [];
            await c.putFile(target, { path: file, size: 40 * MB }, (n) => seen.push(n));
            assert.equal(seen.at(-1), 40 * MB);
            assert.equal((await c.completeUpload(target.asset_id, sha256Of(file), "k2")).size_bytes, 40 * MB);
            await api.del("/_emulator/faults");
            const puts = (await log()).filter((e) => e.method === "PUT").map((e) => e.status);
            assert.deepEqual(puts, [0, 200]);
            assert.equal((await state()).assets.length, 1);
        });
        it("reports storage's refusal as a typed error with its code, never sending the key", async () => {
            const c = client();
            const file = videoFile(path.join(dir, "small.mp4"), 1000);
            const target = await c.createDirectUpload({ filename: "s.mp4", content_type: "video/mp4", size_bytes: 1000, checksum_sha256: "0".repeat(64) }, "k3");
            const e = await c.putFile(target, { path: file, size: 1000 }).catch((x) => x);
            assert.equal(e.name, "BadRequestError");
            assert.equal(e.code, "BadDigest");
            assert.match(e.describe(), /PUT upload_url: .*does not match.*HTTP 400 BadDigest/);
            assert.doesNotMatch(JSON.stringify(e) + e.describe(), new RegExp(emu.apiKey));
        });
    });

    describe("decisions (tables)", () => {
        it("sends files above 32 MB straight to storage", () => {
            for (const [size, route] of [[1, "proxied"], [32 * MB, "proxied"], [32 * MB + 1, "direct"], [5 * 1024 * MB, "direct"]] as const) {
                assert.equal(uploadRoute(size), route, String(size));
            }
        });
        it("keeps uploaded assets until training has ended or the look is gone", () => {
            for (const [status, needed] of [["processing", true], ["pending_consent", true], [null, true], ["completed", false], ["failed", false], ["gone", false]] as const) {
                assert.equal(assetsNeeded(status), needed, String(status));
            }
        });
        it("calls an upload abandoned when its process is gone or it is a day old, for this account only", () => {
            const e = (over: Partial<JournalEntry>): JournalEntry => ({ assetId: "a", account: "acct", pid: 1234, at: 0, ...over });
            const dead = () => false;
            const live = () => true;
            const cases: [string, JournalEntry, (pid: number) => boolean, number, boolean][] = [
                ["dead process", e({}), dead, 1000, true],
                ["live process", e({}), live, 1000, false],
                ["live but a day old", e({}), live, 24 * 3600 * 1000 + 1, true],
                ["another account", e({ account: "other" }), dead, 1000, false],
                ["this process", e({ pid: process.pid }), dead, 1000, false],
            ];
            for (const [name, entry, alive, now, want] of cases) assert.equal(abandoned(entry, "acct", alive, now), want, name);
        });
        it("reports progress at most every interval, with rate and time left", () => {
            let t = 0;
            const out: string[] = [];
            const p = progressReporter("up", 100 * MB, (m) => out.push(m), 5000, () => t);
            t = 1000;
            p.update(10 * MB);
            t = 5000;
            p.update(50 * MB);
            t = 6000;
            p.update(60 * MB);
            t = 10_000;
            p.update(100 * MB);
            assert.deepEqual(out, ["up: 50% (50.0 MB of 100.0 MB, 10.0 MB/s, about 5 s left)"]);
            assert.equal(p.done(), "up: 100.0 MB in 10.0 s (10.0 MB/s)");
        });
    });

    describe("provider: local files through the direct upload, and clean-up", () => {
        const PROVIDER = "exports.handler = () => provider;";
        let cwd: string;
        beforeEach(() => {
            configure({ config: { get: (k: string) => ({ "heygen:apiKey": emu.apiKey, "heygen:baseUrl": emu.url } as Record<string, string>)[k] } } as any);
            cwd = process.cwd();
            process.chdir(dir);
        });
        afterEach(() => process.chdir(cwd));
        const group = async () => (await api.post("/v3/avatars", { type: "photo", name: "G", file: photoUrl() })).body.data.avatar_group.id as string;
        const check = async (news: Record<string, unknown>) => {
            const r = await handlers("digitalTwinLook").check({}, { __provider: PROVIDER, ...news });
            return r;
        };

        it("uploads a 40 MB twin's footage directly, keeps the asset while consent waits, and deletes it with the look", async () => {
            videoFile(path.join(dir, "twin.mp4"), 40 * MB);
            const groupId = await group();
            const c = await check({ groupId, name: "Twin", footage: { path: "twin.mp4" } });
            assert.deepEqual(c.failures, []);
            assert.equal((c.inputs as any).footage.sha256, sha256Of(path.join(dir, "twin.mp4")));
            await log();
            const r = await handlers("digitalTwinLook").create(c.inputs);
            assert.deepEqual((await log()).map((e) => `${e.method} ${e.path}`), [
                "POST /v3/assets/direct-uploads", "GET /v3/assets/:id", "PUT /_storage/uploads/:id", "POST /v3/assets/:id/complete", "POST /v3/avatars",
            ]);
            assert.equal(r.outs.status, "pending_consent");
            const ids = r.outs.uploadedAssetIds as string[];
            assert.equal(ids.length, 1);
            const asset = (await state()).assets[0];
            assert.deepEqual([asset.id, asset.size_bytes, asset.sha256, asset.status], [ids[0], 40 * MB, (c.inputs as any).footage.sha256, "ready"]);
            await handlers("digitalTwinLook").delete(r.id, r.outs);
            assert.deepEqual((await log()).filter((e) => e.method !== "GET").map((e) => `${e.method} ${e.path} ${e.status}`), ["DELETE /v3/avatars/looks/:id 200", "DELETE /v3/assets/:id 200"]);
            assert.deepEqual((await state()).assets, []);
        });

        it("deletes the asset as soon as training ends (waitFor: trained), and never an asset the user gave", async () => {
            videoFile(path.join(dir, "t2.mp4"), 33 * MB);
            const groupId = await group();
            await api.post("/v3/avatars", { type: "digital_twin", name: "seed", file: videoUrl(), avatar_group_id: groupId });
            await api.post(`/_emulator/consent/${groupId}`, { decision: "approve" });
            const c = await check({ groupId, name: "Trained", footage: { path: "t2.mp4" }, waitFor: "trained" });
            const r = await handlers("digitalTwinLook").create(c.inputs);
            assert.equal(r.outs.status, "completed");
            assert.equal(r.outs.uploadedAssetIds, undefined);
            assert.deepEqual((await state()).assets, []);

            const form = new FormData();
            form.append("file", new Blob([new Uint8Array(media.mp4())]), "mine.mp4");
            const mine = (await api.call("POST", "/v3/assets", { body: form })).body.data.asset_id;
            const own = await check({ groupId, name: "Given", footage: { assetId: mine }, waitFor: "trained" });
            const g = await handlers("digitalTwinLook").create(own.inputs);
            await handlers("digitalTwinLook").delete(g.id, g.outs);
            assert.deepEqual((await state()).assets.map((a: any) => a.id), [mine], "the user's asset stays");
        });

        it("refuses a file changed after preview, and leaves no asset behind from a failed create", async () => {
            const file = videoFile(path.join(dir, "changing.mp4"), 34 * MB);
            const groupId = await group();
            const c = await check({ groupId, name: "Changed", footage: { path: "changing.mp4" } });
            const fd = fs.openSync(file, "r+");
            fs.writeSync(fd, Buffer.from("changed"), 0, 7, 1000);
            fs.closeSync(fd);
            await assert.rejects(handlers("digitalTwinLook").create(c.inputs), /footage\.path: 'changing\.mp4' changed after preview; run the update again/);
            assert.deepEqual((await state()).assets, [], "the refused upload's asset was deleted");

            const fresh = await check({ groupId: "0".repeat(32), name: "No group", footage: { path: "changing.mp4" } });
            await assert.rejects(handlers("digitalTwinLook").create(fresh.inputs), /avatar_group_not_found|not found/);
            assert.deepEqual((await state()).assets, [], "the asset of the failed create was deleted");
        });

        it("checks a large file without reading it whole, and refuses one above the direct upload's limit", async () => {
            const big = videoFile(path.join(dir, "huge.mp4"), 5 * 1024 * MB + 1, true);
            const r = await check({ groupId: "g1", name: "Huge", footage: { path: big } });
            assert.equal(r.failures?.[0]?.property, "footage.path");
            assert.match(r.failures![0].reason, /at most 5120\.0 MB/);
            fs.rmSync(big);
        });

        it("deletes what an upload of a dead process left, on the next upload for the same account", async () => {
            const form = new FormData();
            form.append("file", new Blob([new Uint8Array(media.mp4())]), "orphan.mp4");
            const orphan = (await api.call("POST", "/v3/assets", { body: form })).body.data.asset_id;
            const dead = await new Promise<number>((resolve) => {
                const c = require("child_process").spawn(process.execPath, ["-e", "0"]);
                c.on("exit", () => resolve(c.pid));
            });
            journal.note(orphan);
            const file = path.join(journal.dir(), `${orphan}.json`);
            fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, "utf8")), pid: dead }));
            forgetProcess(); // sweep again, as a new process would
            videoFile(path.join(dir, "after.mp4"), 1000);
            const c = await check({ groupId: await group(), name: "After", footage: { path: "after.mp4" } });
            const r = await handlers("digitalTwinLook").create(c.inputs);
            const ids: string[] = (await state()).assets.map((a: any) => a.id);
            assert.deepEqual(ids, r.outs.uploadedAssetIds, "the orphan is gone, the new upload stays");
            assert.equal(fs.existsSync(file), false);
            assert.equal(fs.existsSync(path.join(journal.dir(), `${ids[0]}.json`)), false, "a create that answered leaves no note");
        });
    });
});
