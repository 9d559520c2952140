// The emulator over real HTTP: every endpoint, the errors HeyGen documents, paging, idempotency, the
// training lifecycle, the consent page's form, persistence across a restart, and each fault type.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { http, media, photoUrl, videoUrl } from "../support/http";

describe("emulator", function () {
    let emu: Emulator;
    let api: ReturnType<typeof http>;
    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "reads", reads: 2 }, digital_twin: { mode: "instant" } } });
        api = http(emu.url);
    });
    after(() => emu.stop());
    beforeEach(async () => {
        await api.post("/_emulator/reset");
        await api.put("/_emulator/timing", { photo: "instant", prompt: "2r", digital_twin: "instant", create_ms: 0 });
    });

    const createPhoto = (name = "Sarah", extra: object = {}) => api.post("/v3/avatars", { type: "photo", name, file: photoUrl(), ...extra });

    describe("conventions", () => {
        it("puts X-Request-Id on every response, errors and unknown routes included", async () => {
            for (const r of [await api.get("/v3/users/me"), await api.get("/v3/nope"), await http(emu.url, null).get("/v3/avatars")]) {
                assert.match(r.headers.get("x-request-id") ?? "", /^req_[0-9a-f]{24}$/);
            }
        });
        it("answers a missing and a wrong key with byte-identical 401s", async () => {
            const missing = await http(emu.url, null).get("/v3/avatars");
            const wrong = await http(emu.url, "not-the-key").get("/v3/avatars");
            assert.equal(missing.status, 401);
            assert.equal(missing.text, wrong.text);
            assert.deepEqual(missing.body, {
                error: { code: "unauthorized", message: "Invalid or missing API key", doc_url: "https://developers.heygen.com/docs/error-codes#unauthorized" },
            });
        });
        it("accepts Authorization: Bearer as well as X-Api-Key", async () => {
            const r = await http(emu.url, null).get("/v3/users/me", { Authorization: `Bearer ${emu.apiKey}` });
            assert.equal(r.status, 200);
            assert.equal(r.body.data.username, "emulator");
        });
        it("404s unknown routes in the error envelope", async () => {
            const r = await api.get("/v3/videos/xyz");
            assert.equal(r.status, 404);
            assert.equal(r.body.error.code, "not_found");
            assert.equal(r.body.error.doc_url, "https://developers.heygen.com/docs/error-codes#not-found");
        });
        it("400s malformed JSON and wrong content types", async () => {
            const broken = await api.call("POST", "/v3/avatars", { body: "{bad", headers: { "Content-Type": "application/json" } });
            assert.equal(broken.status, 400);
            assert.equal(broken.body.error.code, "invalid_parameter");
            const text = await api.call("POST", "/v3/avatars", { body: "hello", headers: { "Content-Type": "text/plain" } });
            assert.equal(text.status, 400);
            assert.match(text.body.error.message, /Content-Type/);
        });
        it("names the parameter in validation errors", async () => {
            const r = await api.post("/v3/avatars", { type: "photo", name: 42 });
            assert.equal(r.status, 400);
            assert.equal(r.body.error.param, "name");
            const missing = await api.post("/v3/avatars", { name: "x" });
            assert.equal(missing.body.error.param, "type");
            assert.equal(missing.body.error.message, "type is required");
        });
    });

    describe("POST /v3/avatars", () => {
        it("creates a photo look and its group, processing, then completed on the next read", async () => {
            const r = await createPhoto();
            assert.equal(r.status, 200);
            const { avatar_item: look, avatar_group: group } = r.body.data;
            assert.match(look.id, /^[0-9a-f]{32}$/);
            assert.equal(look.avatar_type, "photo_avatar");
            assert.equal(look.status, "processing");
            assert.equal(look.preview_image_url, null);
            assert.equal(group.looks_count, 1);
            assert.equal(group.name, "Sarah");
            assert.equal(group.consent_status, null);
            const again = await api.get(`/v3/avatars/looks/${look.id}`);
            assert.equal(again.body.data.status, "completed");
            assert.equal(again.body.data.preview_image_url, `${emu.url}/_files/looks/${look.id}.png`);
            assert.deepEqual(Object.keys(again.body.data).sort(), [
                "avatar_type", "default_voice_id", "error", "gender", "group_id", "id", "image_height", "image_width", "name",
                "preferred_orientation", "preview_image_url", "preview_video_url", "status", "supported_api_engines", "tags",
            ]);
        });
        it("adds looks to an existing group and 404s a group that does not exist", async () => {
            const g = (await createPhoto()).body.data.avatar_group.id;
            const second = await createPhoto("Sarah - casual", { avatar_group_id: g });
            assert.equal(second.body.data.avatar_group.looks_count, 2);
            const gone = await createPhoto("x", { avatar_group_id: "0".repeat(32) });
            assert.equal(gone.status, 404);
            assert.equal(gone.body.error.code, "avatar_group_not_found");
        });
        it("accepts the old type name video as digital_twin", async () => {
            const r = await api.post("/v3/avatars", { type: "video", name: "Twin", file: videoUrl() });
            assert.equal(r.status, 200);
            assert.equal(r.body.data.avatar_item.avatar_type, "digital_twin");
        });
        it("enforces the limits on name, prompt and reference images", async () => {
            assert.equal((await createPhoto("x".repeat(256))).body.error.param, "name");
            assert.equal((await createPhoto("x".repeat(255))).status, 200);
            // Characters, not UTF-16 units: 255 emoji are 255 characters.
            assert.equal((await createPhoto("😀".repeat(255))).status, 200);
            assert.equal((await createPhoto("😀".repeat(256))).body.error.param, "name");
            assert.equal((await api.post("/v3/avatars", { type: "prompt", name: "p", prompt: "😀".repeat(1000) })).status, 200);
            const longPrompt = await api.post("/v3/avatars", { type: "prompt", name: "p", prompt: "x".repeat(1001) });
            assert.equal(longPrompt.body.error.param, "prompt");
            const refs = await api.post("/v3/avatars", { type: "prompt", name: "p", prompt: "a smiling chef", reference_images: [1, 2, 3, 4].map((i) => photoUrl(`${i}.jpg`)) });
            assert.equal(refs.status, 400);
            assert.equal(refs.body.error.param, "reference_images");
            const ok = await api.post("/v3/avatars", { type: "prompt", name: "p", prompt: "a smiling chef", reference_images: [1, 2, 3].map((i) => photoUrl(`${i}.jpg`)) });
            assert.equal(ok.status, 200);
            assert.equal((await api.post("/v3/avatars", { type: "photo", name: "no file" })).body.error.param, "file");
            assert.equal((await api.post("/v3/avatars", { type: "hologram", name: "x" })).body.error.param, "type");
        });
        it("fails downloads from .invalid hosts with download_failed naming the URL", async () => {
            const r = await api.post("/v3/avatars", { type: "photo", name: "x", file: { type: "url", url: "https://cdn.invalid/face.jpg" } });
            assert.equal(r.status, 400);
            assert.equal(r.body.error.code, "download_failed");
            assert.match(r.body.error.message, /https:\/\/cdn\.invalid\/face\.jpg/);
        });
        it("decodes base64 input and checks its media type and size", async () => {
            const png = media.png().toString("base64");
            const ok = await api.post("/v3/avatars", { type: "photo", name: "b64", file: { type: "base64", media_type: "image/png", data: png } });
            assert.equal(ok.status, 200);
            const lie = await api.post("/v3/avatars", { type: "photo", name: "b64", file: { type: "base64", media_type: "image/jpeg", data: png } });
            assert.equal(lie.body.error.param, "file.media_type");
            const small = await api.post("/v3/avatars", { type: "photo", name: "b64", file: { type: "base64", media_type: "image/png", data: media.png(100, 100).toString("base64") } });
            assert.match(small.body.error.message, /at least 512x512/);
            const video = await api.post("/v3/avatars", { type: "photo", name: "b64", file: { type: "base64", media_type: "video/mp4", data: media.mp4().toString("base64") } });
            assert.match(video.body.error.message, /JPEG or PNG/);
            const garbage = await api.post("/v3/avatars", { type: "photo", name: "b64", file: { type: "base64", media_type: "image/png", data: "!!!" } });
            assert.equal(garbage.body.error.param, "file.data");
        });
        it("prompt looks with avatar_id join the reference look's group", async () => {
            const ref = (await createPhoto()).body.data;
            const r = await api.post("/v3/avatars", { type: "prompt", name: "dreamy", prompt: "in a meadow", avatar_id: ref.avatar_item.id });
            assert.equal(r.body.data.avatar_item.group_id, ref.avatar_group.id);
            const other = (await createPhoto("Other")).body.data.avatar_group.id;
            const mismatch = await api.post("/v3/avatars", { type: "prompt", name: "d", prompt: "p", avatar_id: ref.avatar_item.id, avatar_group_id: other });
            assert.equal(mismatch.body.error.param, "avatar_id");
        });
        it("refuses to add looks to public groups", async () => {
            const r = await createPhoto("x", { avatar_group_id: "public_group_1" });
            assert.equal(r.status, 403);
        });
    });

    describe("idempotency", () => {
        it("replays the first response for 24 h, even if the body differs", async () => {
            const key = { "Idempotency-Key": "create-sarah-1" };
            const a = await api.post("/v3/avatars", { type: "photo", name: "Sarah", file: photoUrl() }, key);
            const b = await api.post("/v3/avatars", { type: "photo", name: "Someone else", file: photoUrl() }, key);
            assert.deepEqual(b.body, a.body);
            assert.equal(b.headers.get("idempotent-replayed"), "true");
            const groups = await api.get("/v3/avatars?ownership=private");
            assert.equal(groups.body.data.length, 1);
        });
        it("scopes keys per endpoint and path", async () => {
            const key = { "Idempotency-Key": "k1" };
            const g = (await api.post("/v3/avatars", { type: "digital_twin", name: "Twin", file: videoUrl() }, key)).body.data.avatar_group.id;
            const consent = await api.post(`/v3/avatars/${g}/consent`, {}, key);
            assert.equal(consent.status, 200);
            assert.ok(consent.body.data.url);
        });
        it("answers 409 request_in_progress while the first request runs", async () => {
            await api.put("/_emulator/timing", { create_ms: 400 });
            const key = { "Idempotency-Key": "slow-1" };
            const first = api.post("/v3/avatars", { type: "photo", name: "Slow", file: photoUrl() }, key);
            await new Promise((r) => setTimeout(r, 100));
            const second = await api.post("/v3/avatars", { type: "photo", name: "Slow", file: photoUrl() }, key);
            assert.equal(second.status, 409);
            assert.equal(second.body.error.code, "request_in_progress");
            assert.equal((await first).status, 200);
            const third = await api.post("/v3/avatars", { type: "photo", name: "Slow", file: photoUrl() }, key);
            assert.equal(third.body.data.avatar_item.id, (await first).body.data.avatar_item.id);
        });
        it("ignores keys altogether when switched to a server without idempotency, until reset", async () => {
            assert.deepEqual((await api.get("/_emulator/idempotency")).body, { ignoreKeys: false });
            assert.deepEqual((await api.put("/_emulator/idempotency", { ignoreKeys: true })).body, { ignoreKeys: true });
            const key = { "Idempotency-Key": "ignored-1" };
            const a = await api.post("/v3/avatars", { type: "photo", name: "Twice", file: photoUrl() }, key);
            const b = await api.post("/v3/avatars", { type: "photo", name: "Twice", file: photoUrl() }, key);
            assert.notEqual(b.body.data.avatar_item.id, a.body.data.avatar_item.id, "a second object, as a server without keys makes");
            assert.equal(b.headers.get("idempotent-replayed"), null);
            assert.equal((await api.post("/v3/avatars", { type: "photo", name: "x", file: photoUrl() }, { "Idempotency-Key": "has space" })).status, 200, "not even validated");
            assert.equal((await api.get("/_emulator/state")).body.ignore_idempotency_keys, true);
            assert.equal((await api.put("/_emulator/idempotency", { ignoreKeys: "yes" })).status, 400);
            await api.put("/_emulator/timing", { photo: "60s", create_ms: 900 });
            await api.post("/_emulator/reset");
            assert.deepEqual((await api.get("/_emulator/idempotency")).body, { ignoreKeys: false }, "reset returns to how it was started");
            const timing = (await api.get("/_emulator/timing")).body;
            assert.equal(timing.create_ms, 0, "and to the create latency it was started with");
            assert.deepEqual(timing.photo, { mode: "instant" }, "and to its training timing");
        });
        it("rejects malformed keys", async () => {
            const r = await api.post("/v3/avatars", { type: "photo", name: "x", file: photoUrl() }, { "Idempotency-Key": "has space" });
            assert.equal(r.body.error.param, "Idempotency-Key");
        });
    });

    describe("lists and paging", () => {
        it("pages groups with limit, token, has_more and next_token, newest first, without repeats", async () => {
            for (let i = 0; i < 7; i++) await createPhoto(`G${i}`);
            const seen: string[] = [];
            let token: string | null = null;
            let pages = 0;
            do {
                const r: any = await api.get(`/v3/avatars?ownership=private&limit=3${token ? `&token=${token}` : ""}`);
                assert.equal(r.status, 200);
                seen.push(...r.body.data.map((g: any) => g.name));
                token = r.body.next_token;
                assert.equal(r.body.has_more, token !== null);
                pages++;
            } while (token);
            assert.equal(pages, 3);
            assert.deepEqual(seen, ["G6", "G5", "G4", "G3", "G2", "G1", "G0"]);
        });
        it("defaults to 20, allows 1-50, and names limit when it is out of range", async () => {
            for (let i = 0; i < 22; i++) await createPhoto(`L${i}`);
            assert.equal((await api.get("/v3/avatars/looks?ownership=private")).body.data.length, 20);
            assert.equal((await api.get("/v3/avatars/looks?ownership=private&limit=50")).body.data.length, 22);
            for (const bad of ["0", "51", "abc", "2.5"]) {
                const r = await api.get(`/v3/avatars/looks?limit=${bad}`);
                assert.equal(r.status, 400, bad);
                assert.equal(r.body.error.param, "limit");
            }
            assert.equal((await api.get("/v3/avatars?token=zzz")).body.error.param, "token");
        });
        it("filters looks by group, type and ownership", async () => {
            const g = (await createPhoto()).body.data.avatar_group.id;
            await api.post("/v3/avatars", { type: "digital_twin", name: "Twin", file: videoUrl(), avatar_group_id: g });
            await createPhoto("Elsewhere");
            assert.equal((await api.get(`/v3/avatars/looks?group_id=${g}`)).body.data.length, 2);
            assert.equal((await api.get(`/v3/avatars/looks?group_id=${g}&avatar_type=digital_twin`)).body.data.length, 1);
            assert.equal((await api.get("/v3/avatars/looks?ownership=public")).body.data.every((l: any) => l.avatar_type === "studio_avatar"), true);
            assert.equal((await api.get("/v3/avatars/looks?avatar_type=robot")).body.error.param, "avatar_type");
            assert.equal((await api.get("/v3/avatars?ownership=mine")).body.error.param, "ownership");
        });
    });

    describe("looks and groups", () => {
        it("renames photo and digital twin looks, but not prompt or public ones", async () => {
            const look = (await createPhoto()).body.data.avatar_item;
            const r = await api.patch(`/v3/avatars/looks/${look.id}`, { name: "Renamed" });
            assert.equal(r.status, 200);
            assert.equal(r.body.data.name, "Renamed");
            assert.equal((await api.patch(`/v3/avatars/looks/${look.id}`, { name: "x".repeat(256) })).body.error.param, "name");
            const pub = await api.patch("/v3/avatars/looks/public_look_1_1", { name: "Mine now" });
            assert.equal(pub.status, 403);
            assert.equal((await api.patch(`/v3/avatars/looks/${"f".repeat(32)}`, { name: "x" })).status, 404);
        });
        it("deletes a look; deleting the group's last look deletes the group", async () => {
            const first = (await createPhoto()).body.data;
            const second = (await createPhoto("Two", { avatar_group_id: first.avatar_group.id })).body.data.avatar_item;
            const d1 = await api.del(`/v3/avatars/looks/${first.avatar_item.id}`);
            assert.deepEqual(d1.body, { data: { id: first.avatar_item.id } });
            assert.equal((await api.get(`/v3/avatars/${first.avatar_group.id}`)).body.data.looks_count, 1);
            await api.del(`/v3/avatars/looks/${second.id}`);
            assert.equal((await api.get(`/v3/avatars/${first.avatar_group.id}`)).status, 404);
            assert.equal((await api.del(`/v3/avatars/looks/${second.id}`)).status, 404);
        });
        it("deletes a group with all its looks, but never a public one", async () => {
            const g = (await createPhoto()).body.data.avatar_group.id;
            assert.deepEqual((await api.del(`/v3/avatars/${g}`)).body, { data: { id: g } });
            assert.equal((await api.get(`/v3/avatars/looks?group_id=${g}`)).body.data.length, 0);
            assert.equal((await api.del("/v3/avatars/public_group_1")).status, 403);
            assert.equal((await api.del("/v3/avatars/looks/public_look_1_1")).status, 403);
            const missing = await api.get(`/v3/avatars/${g}`);
            assert.equal(missing.body.error.code, "avatar_group_not_found");
        });
    });

    describe("training lifecycle", () => {
        it("moves prompt looks to completed after N reads", async () => {
            const look = (await api.post("/v3/avatars", { type: "prompt", name: "p", prompt: "a chef" })).body.data.avatar_item;
            assert.equal((await api.get(`/v3/avatars/looks/${look.id}`)).body.data.status, "processing");
            assert.equal((await api.get(`/v3/avatars/looks/${look.id}`)).body.data.status, "completed");
        });
        it("moves looks after N seconds", async () => {
            await api.put("/_emulator/timing", { photo: "0.3s" });
            const look = (await createPhoto()).body.data.avatar_item;
            assert.equal((await api.get(`/v3/avatars/looks/${look.id}`)).body.data.status, "processing");
            await new Promise((r) => setTimeout(r, 350));
            assert.equal((await api.get(`/v3/avatars/looks/${look.id}`)).body.data.status, "completed");
        });
        it("keeps a digital twin in pending_consent until consent is approved", async () => {
            const r = (await api.post("/v3/avatars", { type: "digital_twin", name: "Twin", file: videoUrl() })).body.data;
            assert.equal(r.avatar_item.status, "pending_consent");
            assert.equal(r.avatar_group.consent_status, "pending");
            assert.equal((await api.get(`/v3/avatars/looks/${r.avatar_item.id}`)).body.data.status, "pending_consent");
            assert.equal((await api.get(`/v3/avatars/${r.avatar_group.id}`)).body.data.status, "pending_consent");
            await api.post(`/_emulator/consent/${r.avatar_group.id}`, { decision: "approve" });
            const look = (await api.get(`/v3/avatars/looks/${r.avatar_item.id}`)).body.data;
            assert.equal(look.status, "completed");
            assert.deepEqual(look.supported_api_engines, ["avatar_v", "avatar_iv", "avatar_iii"]);
        });
        it("fails training by the documented rules, with an error", async () => {
            const named = (await createPhoto("Sarah [fail]")).body.data.avatar_item;
            const failed = (await api.get(`/v3/avatars/looks/${named.id}`)).body.data;
            assert.equal(failed.status, "failed");
            assert.equal(failed.error.code, "training_failed");
            const short = (await api.post("/v3/avatars", { type: "digital_twin", name: "T", file: videoUrl("too-short.mp4") })).body.data;
            await api.post(`/_emulator/consent/${short.avatar_group.id}`, { decision: "approve" });
            const group = (await api.get(`/v3/avatars/${short.avatar_group.id}`)).body.data;
            assert.equal(group.status, "failed");
            assert.equal(group.error.message, "Footage is too short or too long");
        });
        it("fails waiting twins when consent is declined", async () => {
            const r = (await api.post("/v3/avatars", { type: "digital_twin", name: "Twin", file: videoUrl() })).body.data;
            await api.post(`/_emulator/consent/${r.avatar_group.id}`, { decision: "decline" });
            const look = (await api.get(`/v3/avatars/looks/${r.avatar_item.id}`)).body.data;
            assert.equal(look.status, "failed");
            assert.equal(look.error.code, "consent_rejected");
        });
        it("validates timing changes", async () => {
            assert.equal((await api.put("/_emulator/timing", { photo: "soon" })).status, 400);
            assert.equal((await api.put("/_emulator/timing", { hologram: "1s" })).status, 400);
        });
    });

    describe("consent", () => {
        it("returns a url to the emulator's page, whose form approves and redirects to reroute_url", async () => {
            const r = (await api.post("/v3/avatars", { type: "digital_twin", name: "Twin", file: videoUrl() })).body.data;
            const c = await api.post(`/v3/avatars/${r.avatar_group.id}/consent`, { reroute_url: "https://example.com/thanks" });
            assert.equal(c.status, 200);
            const url: string = c.body.data.url;
            assert.ok(url.startsWith(`${emu.url}/consent/`), url);
            const pageRes = await fetch(url);
            const html = await pageRes.text();
            assert.match(pageRes.headers.get("content-type") ?? "", /text\/html/);
            assert.match(html, /<form method="post" action="\/consent\/[^"]+">/);
            assert.match(html, /name="decision" value="approve"/);
            const submit = await fetch(url, { method: "POST", body: new URLSearchParams({ decision: "approve" }), redirect: "manual" });
            assert.equal(submit.status, 303);
            assert.equal(submit.headers.get("location"), "https://example.com/thanks");
            const group = (await api.get(`/v3/avatars/${r.avatar_group.id}`)).body.data;
            assert.equal(group.consent_status, "approved");
            assert.equal(group.status, "completed");
            assert.doesNotMatch(await (await fetch(url)).text(), /<form/);
        });
        it("records a decline from the page", async () => {
            const r = (await api.post("/v3/avatars", { type: "digital_twin", name: "Twin", file: videoUrl() })).body.data;
            const url = (await api.post(`/v3/avatars/${r.avatar_group.id}/consent`)).body.data.url;
            const submit = await fetch(url, { method: "POST", body: new URLSearchParams({ decision: "decline" }) });
            assert.match(await submit.text(), /declined/);
            assert.equal((await api.get(`/v3/avatars/${r.avatar_group.id}`)).body.data.consent_status, "rejected");
        });
        it("rejects consent for groups without a digital twin, bad input, and unknown groups", async () => {
            const photo = (await createPhoto()).body.data.avatar_group.id;
            assert.equal((await api.post(`/v3/avatars/${photo}/consent`)).body.error.code, "invalid_parameter");
            const twin = (await api.post("/v3/avatars", { type: "digital_twin", name: "T", file: videoUrl() })).body.data.avatar_group.id;
            assert.equal((await api.post(`/v3/avatars/${twin}/consent`, { consent_text: "<b>" })).body.error.param, "consent_text");
            assert.equal((await api.post(`/v3/avatars/${twin}/consent`, { reroute_url: "nope" })).body.error.param, "reroute_url");
            assert.equal((await api.post(`/v3/avatars/${"a".repeat(32)}/consent`)).status, 404);
            assert.equal((await fetch(`${emu.url}/consent/not-a-token`)).status, 404);
        });
    });

    describe("assets", () => {
        const upload = (bytes: Buffer, filename = "face.png") => {
            const form = new FormData();
            form.append("file", new Blob([new Uint8Array(bytes)]), filename);
            return api.call("POST", "/v3/assets", { body: form });
        };
        it("uploads multipart files, sniffs their type, and serves their metadata", async () => {
            const r = await upload(media.png());
            assert.equal(r.status, 200);
            assert.equal(r.body.data.mime_type, "image/png");
            assert.equal(r.body.data.size_bytes, 33);
            const meta = await api.get(`/v3/assets/${r.body.data.asset_id}`);
            assert.equal(meta.body.data.name, "face.png");
            assert.equal(meta.body.data.type, "image");
            const look = await api.post("/v3/avatars", { type: "photo", name: "From asset", file: { type: "asset_id", asset_id: r.body.data.asset_id } });
            assert.equal(look.status, 200);
            assert.equal((await api.get("/v3/assets/nope")).body.error.code, "asset_not_found");
        });
        it("refuses unknown types, non-multipart bodies, and files over 32 MB", async () => {
            assert.equal((await upload(Buffer.from("just text"), "a.txt")).body.error.param, "file");
            assert.equal((await api.post("/v3/assets", { file: "x" })).status, 400);
            const big = Buffer.alloc(32 * 1024 * 1024 + 1);
            media.png().copy(big);
            const r = await upload(big);
            assert.equal(r.status, 413);
            assert.equal(r.body.error.code, "payload_too_large");
        });
    });

    describe("control API", () => {
        it("logs API requests with method, path, status and idempotency key", async () => {
            await api.del("/_emulator/requests");
            await createPhoto("Logged", {});
            await api.post("/v3/avatars", { type: "photo", name: "K", file: photoUrl() }, { "Idempotency-Key": "log-1" });
            await api.get("/v3/avatars?limit=1");
            const log = (await api.get("/_emulator/requests")).body.data;
            assert.deepEqual(log.map((e: any) => [e.method, e.path, e.status, e.idempotencyKey]), [
                ["POST", "/v3/avatars", 200, null],
                ["POST", "/v3/avatars", 200, "log-1"],
                ["GET", "/v3/avatars", 200, null],
            ]);
            assert.equal(log[2].query, "limit=1");
        });
        it("dumps state and changes objects behind the client's back", async () => {
            const look = (await createPhoto()).body.data.avatar_item;
            await api.patch(`/_emulator/looks/${look.id}`, { name: "Drifted", status: "failed", error: { message: "broke" } });
            const now = (await api.get(`/v3/avatars/looks/${look.id}`)).body.data;
            assert.equal(now.name, "Drifted");
            assert.equal(now.error.message, "broke");
            const dump = (await api.get("/_emulator/state")).body;
            assert.equal(dump.looks.find((l: any) => l.id === look.id).name, "Drifted");
            assert.equal((await api.del(`/_emulator/looks/${look.id}`)).body.group_deleted, true);
            assert.equal((await api.get(`/v3/avatars/looks/${look.id}`)).status, 404);
        });
    });

    describe("faults", () => {
        afterEach(() => api.del("/_emulator/faults"));
        it("adds latency", async () => {
            await api.post("/_emulator/faults", { method: "GET", path: "/v3/users/me", action: "latency", latencyMs: 300 });
            const t = Date.now();
            assert.equal((await api.get("/v3/users/me")).status, 200);
            assert.ok(Date.now() - t >= 290);
        });
        it("answers 429 with Retry-After, a fixed number of times", async () => {
            await api.post("/_emulator/faults", { path: "/v3/avatars", action: "error", status: 429, retryAfter: 2, times: 1 });
            const r = await api.get("/v3/avatars");
            assert.equal(r.status, 429);
            assert.equal(r.headers.get("retry-after"), "2");
            assert.equal(r.body.error.code, "rate_limit_exceeded");
            assert.equal((await api.get("/v3/avatars")).status, 200);
        });
        it("answers 5xx with a seeded probability, the same way every run", async () => {
            const pattern = async () => {
                await api.del("/_emulator/faults");
                await api.post("/_emulator/faults", { path: "/v3/users/me", action: "error", status: 503, probability: 0.5, seed: 42 });
                const out: number[] = [];
                for (let i = 0; i < 12; i++) out.push((await api.get("/v3/users/me")).status);
                return out;
            };
            const a = await pattern();
            assert.deepEqual(await pattern(), a);
            assert.ok(a.includes(503) && a.includes(200), a.join());
        });
        it("drops the connection before handling: nothing is created", async () => {
            await api.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop", times: 1 });
            await assert.rejects(createPhoto("Dropped"));
            assert.equal((await api.get("/v3/avatars?ownership=private")).body.data.length, 0);
        });
        it("drops the connection after applying the request: the look exists, the answer is lost", async () => {
            await api.post("/_emulator/faults", { method: "POST", path: "/v3/avatars", action: "drop_after", times: 1 });
            await assert.rejects(createPhoto("Applied"));
            const groups = (await api.get("/v3/avatars?ownership=private")).body.data;
            assert.deepEqual(groups.map((g: any) => g.name), ["Applied"]);
            const log = (await api.get("/_emulator/requests")).body.data;
            assert.equal(log.find((e: any) => e.fault)?.status, 0);
        });
        it("matches paths by regular expression and rejects bad rules", async () => {
            await api.post("/_emulator/faults", { path: "/^\\/v3\\/avatars\\/looks\\/[^/]+$/", action: "error", status: 500, times: 1 });
            assert.equal((await api.get("/v3/avatars/looks")).status, 200);
            assert.equal((await api.get("/v3/avatars/looks/public_look_1_1")).status, 500);
            assert.equal((await api.post("/_emulator/faults", { path: "/v3", action: "explode" })).status, 400);
        });
    });

    describe("persistence", () => {
        let dir: string;
        beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-emu-"))));
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("keeps state across a restart", async () => {
            const a = await startEmulator({ dataDir: dir });
            const look = (await http(a.url).post("/v3/avatars", { type: "photo", name: "Persisted", file: photoUrl() })).body.data.avatar_item;
            await a.stop();
            const b = await startEmulator({ dataDir: dir });
            try {
                const again = await http(b.url).get(`/v3/avatars/looks/${look.id}`);
                assert.equal(again.body.data.name, "Persisted");
            } finally {
                await b.stop();
            }
        });
        it("refuses a data dir another live emulator holds", async () => {
            const a = await startEmulator({ dataDir: dir });
            try {
                await assert.rejects(startEmulator({ dataDir: dir }), /in use by another emulator/);
            } finally {
                await a.stop();
            }
        });
        it("never leaves a torn state file: a crash mid-write keeps the previous state", async () => {
            const a = await startEmulator({ dataDir: dir });
            await http(a.url).post("/v3/avatars", { type: "photo", name: "Before", file: photoUrl() });
            await a.stop();
            // A crash while writing leaves only the temp file; the real one is untouched.
            fs.writeFileSync(path.join(dir, "state.json.999.tmp"), '{"version":1,"groups":{"trunc');
            const b = await startEmulator({ dataDir: dir });
            try {
                const groups = (await http(b.url).get("/v3/avatars?ownership=private")).body.data;
                assert.deepEqual(groups.map((g: any) => g.name), ["Before"]);
            } finally {
                await b.stop();
            }
        });
    });

    describe("command line", () => {
        const cli = path.join(__dirname, "..", "..", "emulator", "dist", "emulator", "cli.js");
        const run = (args: string[]) =>
            new Promise<{ code: number | null; out: string; err: string; child: ReturnType<typeof spawn> }>((resolve) => {
                const child = spawn(process.execPath, [cli, ...args]);
                let out = "";
                let err = "";
                child.stdout.on("data", (d) => {
                    out += d;
                    if (/listening on/.test(out)) resolve({ code: null, out, err, child });
                });
                child.stderr.on("data", (d) => (err += d));
                child.on("exit", (code) => resolve({ code, out, err, child }));
            });

        it("starts on a free port with --port 0, prints its URL, and stops on SIGTERM", async () => {
            const r = await run(["--port", "0", "--photo", "instant"]);
            const url = /listening on (http:\/\/\S+)/.exec(r.out)![1];
            assert.equal((await http(url).get("/v3/users/me")).status, 200);
            const exited = new Promise((res) => r.child.on("exit", res));
            r.child.kill("SIGTERM");
            assert.equal(await exited, 0);
        });
        it("explains bad flags", async () => {
            const r = await run(["--port", "http"]);
            assert.equal(r.code, 2);
            assert.match(r.err, /--port must be a number/);
            const t = await run(["--photo", "soon"]);
            assert.match(t.err, /--photo: 'soon' is not a transition/);
            const u = await run(["--bogus"]);
            assert.match(u.err, /Unknown option '--bogus'/);
        });
        it("explains a busy port", async () => {
            const blocker = net.createServer().listen(0, "127.0.0.1");
            await new Promise((r) => blocker.once("listening", r));
            const port = (blocker.address() as net.AddressInfo).port;
            try {
                const r = await run(["--port", String(port)]);
                assert.equal(r.code, 1);
                assert.match(r.err, new RegExp(`port ${port} on 127.0.0.1 is already in use`));
            } finally {
                blocker.close();
            }
        });
    });
});
