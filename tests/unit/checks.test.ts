// What a preview can know without asking HeyGen, and used to let through to `up` (issue 20), as tables:
// files whose bytes are not what HeyGen takes (it reads the type from the bytes), photos under 512×512,
// URLs whose extension is the wrong kind, a base URL that is not one (or ends in /v3), and `heygen:` keys
// with a typo. Each failure names the property or setting, what is wrong and what to do.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as apiMedia from "../../api/media";
import * as emulatorMedia from "../../emulator/media";
import { configKeyProblem, configProblem } from "../../provider/settings";
import type { Failure } from "../../provider/lifecycle/common";
import { digitalTwinKind } from "../../provider/resources/digitalTwinLook";
import { photoKind } from "../../provider/resources/photoLook";
import { promptKind } from "../../provider/resources/promptLook";
import { media } from "../support/http";

/** A JPEG header: SOI, an APP1 segment of `app1` bytes (EXIF, say), fill bytes, then a frame (SOF0, or SOF2: progressive). */
function jpeg(width: number, height: number, opts: { app1?: number; sof?: number; fill?: number } = {}): Buffer {
    const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
    const app0 = Buffer.alloc(18);
    app0.writeUInt16BE(0xffe0, 0);
    app0.writeUInt16BE(16, 2);
    app0.write("JFIF\0", 4, "latin1");
    parts.push(app0);
    if (opts.app1) {
        // A segment holds at most 65533 bytes: several, as a long EXIF or ICC profile comes.
        for (let left = opts.app1; left > 0; left -= 65000) {
            const n = Math.min(left, 65000);
            const seg = Buffer.alloc(4 + n, 0x41);
            seg.writeUInt16BE(0xffe1, 0);
            seg.writeUInt16BE(n + 2, 2);
            parts.push(seg);
        }
    }
    if (opts.fill) parts.push(Buffer.alloc(opts.fill, 0xff));
    const sof = Buffer.alloc(19);
    sof.writeUInt16BE(0xff00 | (opts.sof ?? 0xc0), 0);
    sof.writeUInt16BE(17, 2);
    sof[4] = 8;
    sof.writeUInt16BE(height, 5);
    sof.writeUInt16BE(width, 7);
    parts.push(sof, Buffer.from([0xff, 0xda, 0, 2, 0xff, 0xd9]));
    return Buffer.concat(parts);
}

describe("checks: a photo's size from its header (api/media, shared by the emulator and the provider)", () => {
    const cases: [string, Buffer, { width: number; height: number } | undefined][] = [
        ["a PNG", media.png(100, 200), { width: 100, height: 200 }],
        ["a large PNG", media.png(4096, 3072), { width: 4096, height: 3072 }],
        ["a baseline JPEG", jpeg(640, 480), { width: 640, height: 480 }],
        ["a progressive JPEG", jpeg(300, 1200, { sof: 0xc2 }), { width: 300, height: 1200 }],
        ["a JPEG with 100 KB of EXIF before its frame", jpeg(2000, 1000, { app1: 100_000 }), { width: 2000, height: 1000 }],
        ["a JPEG with fill bytes between segments", jpeg(512, 512, { fill: 3 }), { width: 512, height: 512 }],
        ["a JPEG cut before its frame", jpeg(640, 480, { app1: 1000 }).subarray(0, 500), undefined],
        ["a PNG cut before its IHDR", media.png(640, 480).subarray(0, 20), undefined],
        ["text", Buffer.from("hello, this is not an image"), undefined],
        ["an MP4", media.mp4(), undefined],
    ];
    for (const [name, bytes, expected] of cases) it(`${name} → ${expected ? `${expected.width}×${expected.height}` : "unknown"}`, () => assert.deepEqual(apiMedia.imageSize(bytes), expected));

    it("is one copy: the emulator answers with the very functions the provider checks with", () => {
        assert.equal(emulatorMedia.imageSize, apiMedia.imageSize);
        assert.equal(emulatorMedia.sniffMediaType, apiMedia.sniffMediaType);
        const provider = fs.readFileSync(path.join(__dirname, "../../provider/sources.ts"), "utf8");
        assert.match(provider, /from "\.\.\/api\/media"/);
        assert.doesNotMatch(provider, /function (imageSize|sniffMediaType)\(/, "no second copy in the provider");
    });
});

describe("checks: files whose bytes, size or URL HeyGen would refuse fail at preview", () => {
    let dir: string;
    let cwd: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "heygen-checks-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: checks\nruntime: nodejs\n");
        const files: Record<string, Buffer> = {
            "notes.png": Buffer.from("these are my notes, not a photo\n"),
            "notes.jpg": Buffer.from("hello"),
            "tiny.png": media.png(100, 100),
            "narrow.png": media.png(1024, 511),
            "just.png": media.png(512, 512),
            "big.jpg": jpeg(1920, 1080),
            "exif-small.jpg": jpeg(300, 400, { app1: 200_000 }),
            "clip.mp4": media.mp4(),
            "notes.mp4": Buffer.from("not a video at all, just text"),
            "face.mp4": media.png(800, 800),
        };
        for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
        cwd = process.cwd();
        process.chdir(dir);
    });
    after(() => {
        process.chdir(cwd);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const b64 = (b: Buffer) => b.toString("base64");
    type Kind = typeof photoKind;
    // [what, kind, inputs, the property that fails (null: none), what its reason says]
    const cases: [string, Kind, Record<string, unknown>, string | null, RegExp?][] = [
        // The bytes decide, not the name.
        ["a photo path: text bytes named .png", photoKind, { image: { path: "notes.png" } }, "image.path", /'notes\.png' holds neither JPEG nor PNG bytes.*reads a file's type from its bytes.*give a photo file/],
        ["a photo path: text bytes named .jpg, with a mediaType", photoKind, { image: { path: "notes.jpg", mediaType: "image/jpeg" } }, "image.path", /holds neither JPEG nor PNG bytes/],
        ["a photo path: PNG bytes named .mp4 (the bytes win)", photoKind, { image: { path: "face.mp4" } }, null],
        ["a photo as base64: text bytes said to be image/png", photoKind, { image: { base64: b64(Buffer.from("not a photo")), mediaType: "image/png" } }, "image.base64", /image\.base64 holds neither JPEG nor PNG bytes/],
        ["a photo as base64: MP4 bytes said to be image/png", photoKind, { image: { base64: b64(media.mp4()), mediaType: "image/png" } }, "image.base64", /holds video\/mp4 bytes; a photo is needed/],
        ["footage path: text bytes named .mp4", digitalTwinKind, { footage: { path: "notes.mp4" } }, "footage.path", /'notes\.mp4' holds neither MP4 nor WebM bytes.*give a video file/],
        ["footage as base64: text bytes said to be video/mp4", digitalTwinKind, { footage: { base64: b64(Buffer.from("nope")), mediaType: "video/mp4" } }, "footage.base64", /holds neither MP4 nor WebM bytes/],
        ["a reference image path: text bytes named .jpg", promptKind, { prompt: "p", referenceImages: [{ path: "notes.jpg" }] }, "referenceImages[0].path", /holds neither JPEG nor PNG bytes/],
        // At least 512×512, from the header.
        ["a photo path of 100×100", photoKind, { image: { path: "tiny.png" } }, "image.path", /'tiny\.png' holds a photo of 100×100 pixels; HeyGen trains a look only from a photo of at least 512×512 pixels: give a larger photo/],
        ["a photo path of 1024×511", photoKind, { image: { path: "narrow.png" } }, "image.path", /1024×511 pixels/],
        ["a photo path of exactly 512×512", photoKind, { image: { path: "just.png" } }, null],
        ["a photo path: a 1920×1080 JPEG", photoKind, { image: { path: "big.jpg" } }, null],
        ["a photo path: a 300×400 JPEG whose frame comes after 200 KB of EXIF", photoKind, { image: { path: "exif-small.jpg" } }, "image.path", /300×400 pixels/],
        ["a photo as base64 of 100×100", photoKind, { image: { base64: b64(media.png(100, 100)), mediaType: "image/png" } }, "image.base64", /image\.base64 holds a photo of 100×100 pixels/],
        ["a photo as base64 of 600×600", photoKind, { image: { base64: b64(media.png(600, 600)), mediaType: "image/png" } }, null],
        ["a reference image of 100×100 (no minimum stated for those)", promptKind, { prompt: "p", referenceImages: [{ path: "tiny.png" }] }, null],
        // A URL's extension, when it has one.
        ["a photo url ending in .mp4", photoKind, { image: { url: "https://cdn.example.com/sarah.mp4" } }, "image.url", /'https:\/\/cdn\.example\.com\/sarah\.mp4' ends in \.mp4, a video's extension; a photo is needed \(JPEG or PNG\)/],
        ["a photo url ending in .MOV, with a query", photoKind, { image: { url: "https://cdn.example.com/a/b.MOV?sig=1" } }, "image.url", /ends in \.mov/],
        ["a photo url ending in .webm", photoKind, { image: { url: "https://cdn.example.com/x.webm" } }, "image.url", /a photo is needed/],
        ["a photo url ending in .jpg", photoKind, { image: { url: "https://cdn.example.com/x.jpg" } }, null],
        ["a photo url without an extension", photoKind, { image: { url: "https://cdn.example.com/photos/123" } }, null],
        ["a photo url whose host looks like a video, path .png", photoKind, { image: { url: "https://video.mp4.example.com/x.png" } }, null],
        ["footage url ending in .jpg", digitalTwinKind, { footage: { url: "https://cdn.example.com/take1.jpg" } }, "footage.url", /ends in \.jpg, an image's extension; a video is needed \(MP4 or WebM\)/],
        ["footage url ending in .png", digitalTwinKind, { footage: { url: "https://cdn.example.com/take1.png" } }, "footage.url", /a video is needed/],
        ["footage url ending in .mov", digitalTwinKind, { footage: { url: "https://cdn.example.com/take1.mov" } }, null],
        ["footage path: real MP4 bytes", digitalTwinKind, { footage: { path: "clip.mp4" } }, null],
        ["a reference image url ending in .mp4", promptKind, { prompt: "p", referenceImages: [{ url: "https://cdn.example.com/r.mp4" }] }, "referenceImages[0].url", /an image is needed/],
    ];
    for (const [name, kind, news, property, reason] of cases) {
        it(`${property ? "rejects" : "accepts"} ${name}`, () => {
            const failures: Failure[] = [];
            kind.checkSource(news, failures);
            if (property === null) assert.deepEqual(failures, []);
            else {
                assert.equal(failures.length, 1, JSON.stringify(failures));
                assert.equal(failures[0].property, property);
                if (reason) assert.match(failures[0].reason, reason);
            }
        });
    }

    it("keeps the type the bytes say in state, not the name's", () => {
        const out = photoKind.checkSource({ image: { path: "face.mp4" } }, []) as { image: { mediaType: string } };
        assert.equal(out.image.mediaType, "image/png");
    });
});

describe("checks: the API's base URL (heygen:baseUrl, HEYGEN_API_BASE)", () => {
    type Input = Parameters<typeof configProblem>[0];
    const cases: [string, Input, RegExp | undefined][] = [
        ["HeyGen's", { configKey: "absent", baseUrl: "https://api.heygen.com" }, undefined],
        ["the emulator's", { configKey: "absent", baseUrl: "http://127.0.0.1:4010", baseUrlFrom: "HEYGEN_API_BASE" }, undefined],
        ["behind a proxy path", { configKey: "absent", baseUrl: "https://proxy.corp/heygen", baseUrlFrom: "heygen:baseUrl" }, undefined],
        ["not a URL, from heygen:baseUrl", { configKey: "absent", baseUrl: "api.heygen.com", baseUrlFrom: "heygen:baseUrl" },
            /^heygen:baseUrl is 'api\.heygen\.com', which is not a URL: write the API's address with its scheme, e\.g\. `pulumi config set heygen:baseUrl https:\/\/api\.heygen\.com`/],
        ["not a URL, from HEYGEN_API_BASE", { configKey: "absent", baseUrl: "not a url", baseUrlFrom: "HEYGEN_API_BASE" }, /^HEYGEN_API_BASE is 'not a url', which is not a URL: .*`export HEYGEN_API_BASE=https:\/\/api\.heygen\.com`/],
        ["another scheme", { configKey: "absent", baseUrl: "ftp://api.heygen.com", baseUrlFrom: "heygen:baseUrl" }, /^heygen:baseUrl is 'ftp:\/\/api\.heygen\.com': it must be an https:\/\//],
        ["ending in /v3, from HEYGEN_API_BASE", { configKey: "absent", baseUrl: "http://127.0.0.1:4010/v3", baseUrlFrom: "HEYGEN_API_BASE" },
            /^HEYGEN_API_BASE is 'http:\/\/127\.0\.0\.1:4010\/v3', which ends in the API version \/v3: .*Leave the version out: `export HEYGEN_API_BASE=http:\/\/127\.0\.0\.1:4010`$/],
        ["ending in /v3, from heygen:baseUrl", { configKey: "absent", baseUrl: "https://api.heygen.com/v3", baseUrlFrom: "heygen:baseUrl" },
            /^heygen:baseUrl is 'https:\/\/api\.heygen\.com\/v3', which ends in the API version \/v3: .*`pulumi config set heygen:baseUrl https:\/\/api\.heygen\.com`$/],
        ["ending in /v1 behind a proxy path", { configKey: "absent", baseUrl: "https://proxy.corp/heygen/v1", baseUrlFrom: "heygen:baseUrl" }, /`pulumi config set heygen:baseUrl https:\/\/proxy\.corp\/heygen`$/],
        ["a malformed URL is said before the demo passphrase", { configKey: "absent", baseUrl: "not a url", baseUrlFrom: "heygen:baseUrl", passphrase: "pulumi-heygen-local" }, /^heygen:baseUrl is 'not a url', which is not a URL/],
    ];
    for (const [name, input, expected] of cases) {
        it(`${name}: ${expected ? "refused, saying which setting and what to write" : "fine"}`, () => {
            const p = configProblem(input);
            if (expected) assert.match(p ?? "(none)", expected);
            else assert.equal(p, undefined);
        });
    }
});

describe("checks: heygen: keys of the stack config that are not settings (typos)", () => {
    const cases: [string, string[], string | undefined, RegExp | undefined][] = [
        ["the two settings", ["heygen:apiKey", "heygen:baseUrl", "aws:region", "estate:names"], undefined, undefined],
        ["heygen:apikey", ["heygen:apikey"], undefined,
            /^heygen:apikey in the stack config is not a setting of pulumi-heygen: did you mean heygen:apiKey\? It is ignored as it is; rename it: `pulumi config rm heygen:apikey`, then `pulumi config set --secret heygen:apiKey <key>`$/],
        ["heygen:baseURL", ["heygen:apiKey", "heygen:baseURL"], undefined, /^heygen:baseURL .*did you mean heygen:baseUrl\? .*`pulumi config rm heygen:baseURL`, then `pulumi config set heygen:baseUrl <value>`$/],
        ["heygen:api_key", ["heygen:api_key"], undefined, /did you mean heygen:apiKey\?/],
        ["heygen:baseurl", ["heygen:baseurl"], undefined, /did you mean heygen:baseUrl\?/],
        ["heygen:key", ["heygen:key"], undefined, /did you mean heygen:apiKey\?/],
        ["heygen:region (no near setting)", ["heygen:region"], undefined, /^heygen:region in the stack config is not a setting of pulumi-heygen \(it knows heygen:apiKey and heygen:baseUrl\)/],
        ["a project named heygen keeps its own keys", ["heygen:region", "heygen:names"], "heygen", undefined],
        ["a project named heygen: a near-miss still counts", ["heygen:apikey"], "heygen", /did you mean heygen:apiKey\?/],
    ];
    for (const [name, keys, project, expected] of cases) {
        it(`${name}: ${expected ? "refused, naming the key and the setting meant" : "fine"}`, () => {
            const p = configKeyProblem(keys, project);
            if (expected) assert.match(p ?? "(none)", expected);
            else assert.equal(p, undefined);
        });
    }
});
