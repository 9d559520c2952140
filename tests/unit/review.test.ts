// `pulumi-heygen review` without the engine: the decisions (what a step means, costs, breaks) as tables,
// the Markdown for previews of each kind, pictures from bad input (missing, unreadable, huge, not an
// image), the command's exit codes and messages, scale (1,000 looks), and the emulator's real pictures.
// The engine's own previews and the page in Chromium are in tests/e2e/review.test.ts.
import { strict as assert } from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PassThrough } from "stream";
import { type Emulator, startEmulator } from "../../emulator";
import { type PreviewJson, type PreviewStep, UNKNOWN, breaksOf, changeOf, diffWords, fileRef, review, trainingsOf } from "../../provider/review/model";
import { COMMENT_LIMIT, MARKER, cell, code, renderMarkdown } from "../../provider/review/markdown";
import { fitWithin, judge, localPicture, readHeader, remotePicture, thumbnail } from "../../provider/review/pictures";
import { makeReport, parsePreview } from "../../provider/review/report";
import { main } from "../../provider/review/cli";
import { http as raw } from "../support/http";
import { jpegOf, pngOf } from "../support/pictures";

const URN = (type: string, name: string) => `urn:pulumi:dev::estate::pulumi-nodejs:dynamic/heygen:${type}::${name}`;
const GROUP = URN("AvatarGroup", "sarah");
const img = (p: string) => ({ path: p, sha256: "ab".repeat(32), size: 10, mediaType: "image/png" });

/** A step as the engine writes it, with only what the review reads. */
function step(op: string, type: string, name: string, o: { old?: Record<string, any>; oldOut?: Record<string, any>; next?: Record<string, any>; id?: string; reasons?: string[]; groupDep?: string } = {}): PreviewStep {
    const urn = URN(type, name);
    const deps: Record<string, string[]> = o.groupDep ? { groupId: [o.groupDep] } : {};
    return {
        op, urn,
        oldState: o.old ? { urn, type: `pulumi-nodejs:dynamic/heygen:${type}`, id: o.id, inputs: o.old, outputs: { ...o.old, ...o.oldOut }, propertyDependencies: deps } : undefined,
        newState: o.next ? { urn, type: `pulumi-nodejs:dynamic/heygen:${type}`, inputs: o.next, propertyDependencies: deps } : undefined,
        diffReasons: o.reasons, replaceReasons: op === "replace" ? o.reasons : undefined,
    };
}

describe("review: what a step means", () => {
    it("folds the engine's ops into changes", () => {
        const table: [string, boolean, boolean, string][] = [
            ["create", false, false, "create"], ["create", true, false, "adopt"], ["import", true, false, "adopt"],
            ["update", false, false, "update"], ["update", false, true, "rename"],
            ["replace", false, false, "replace"], ["create-replacement", false, false, "replace"], ["delete-replaced", false, false, "replace"],
            ["delete", false, false, "delete"], ["discard", false, false, "delete"], ["same", false, false, "same"], ["read", false, false, "same"],
            ["refresh", false, false, "same"], ["remove-pending-replace", false, false, "other"],
        ];
        for (const [op, adopting, renamed, want] of table) assert.equal(changeOf(op, adopting, renamed), want, `${op} adopting=${adopting} renamed=${renamed}`);
    });

    it("counts trainings: creates and replacements train; adoption, renames, deletes and consent do not", () => {
        const table: [any, any, number][] = [
            ["PhotoLook", "create", 1], ["PromptLook", "replace", 1], ["DigitalTwinLook", "create", 1], ["AvatarGroup", "create", 1],
            ["PhotoLook", "adopt", 0], ["PhotoLook", "rename", 0], ["PhotoLook", "update", 0], ["PhotoLook", "delete", 0],
            ["ConsentRequest", "create", 0], ["ConsentRequest", "replace", 0],
        ];
        for (const [kind, change, want] of table) assert.equal(trainingsOf(kind, change), want, `${kind} ${change}`);
        assert.equal(trainingsOf("AvatarGroup", "update", { outputs: { firstLookStatus: "deleted" } }), 1, "a first look deleted in HeyGen is made again");
    });

    it("names the ids that change: a look's avatar_id; a group's id and its first look's", () => {
        const look = { id: "L1", outputs: { lookId: "L1" } };
        const group = { id: "G1", outputs: { groupId: "G1", firstLookId: "F1" } };
        assert.deepEqual(breaksOf("PhotoLook", "replace", look).map((b) => `${b.what} ${b.id}`), ["avatar_id L1"]);
        assert.deepEqual(breaksOf("DigitalTwinLook", "delete", look).map((b) => `${b.what} ${b.id}`), ["avatar_id L1"]);
        assert.deepEqual(breaksOf("AvatarGroup", "replace", group).map((b) => `${b.what} ${b.id}`), ["avatar_id F1", "group id G1"]);
        for (const change of ["create", "adopt", "rename", "update"] as const) assert.deepEqual(breaksOf("PhotoLook", change, look), [], change);
        assert.deepEqual(breaksOf("ConsentRequest", "replace", look), []);
    });

    it("reads file inputs as state keeps them (never bytes)", () => {
        assert.deepEqual(fileRef(img("a.png")), { kind: "path", path: "a.png", sha256: "ab".repeat(32), size: 10, mediaType: "image/png" });
        assert.deepEqual(fileRef({ url: "https://x/y.jpg" }), { kind: "url", url: "https://x/y.jpg" });
        assert.deepEqual(fileRef({ assetId: "A" }), { kind: "asset", assetId: "A" });
        assert.deepEqual(fileRef({ sha256: "cd", mediaType: "image/png", size: 3 }), { kind: "inline", sha256: "cd", mediaType: "image/png" });
        assert.deepEqual(fileRef(UNKNOWN), { kind: "unknown" });
        assert.equal(fileRef(undefined), undefined);
    });

    it("marks a prompt's change word by word", () => {
        assert.deepEqual(diffWords("Sarah in a sunlit meadow", "Sarah on a sunlit beach"), [
            { op: "same", text: "Sarah " }, { op: "del", text: "in" }, { op: "ins", text: "on" }, { op: "same", text: " a sunlit " }, { op: "del", text: "meadow" }, { op: "ins", text: "beach" },
        ]);
        assert.deepEqual(diffWords("same", "same"), [{ op: "same", text: "same" }]);
    });

    it("keeps table cells whole: no pipes, line breaks or HTML get through", () => {
        assert.equal(cell("a|b\nc <script>"), "a\\|b c &lt;script&gt;");
        assert.equal(code("x`y|z"), "`` x`y¦z ``");
        assert.equal(cell("x".repeat(400), 10), `${"x".repeat(9)}…`);
    });
});

describe("review: the Markdown of each kind of change", () => {
    it("a group replaced: its id and its first look's break, its looks are replaced with it", () => {
        const md = renderMarkdown(review({
            steps: [
                step("replace", "AvatarGroup", "sarah", { id: "G1", old: { name: "Sarah", firstLook: { type: "photo", image: img("a.png") } }, oldOut: { groupId: "G1", firstLookId: "F1", previewImageUrl: "https://x/p.png" }, next: { name: "Sarah B", firstLook: { type: "photo", image: img("a.png") } }, reasons: ["name"] }),
                step("replace", "PhotoLook", "casual", { id: "L2", old: { name: "Casual", groupId: "G1", image: img("c.png") }, oldOut: { lookId: "L2" }, next: { name: "Casual", groupId: UNKNOWN, image: img("c.png") }, reasons: ["groupId"], groupDep: GROUP }),
            ],
        }));
        assert.match(md, /### HeyGen avatars: 2 to replace\n/);
        assert.match(md, /\*\*Cost:\*\* 2 trainings started/);
        assert.ok(md.includes("- videos using `avatar_id` `F1` (Sarah B) must be updated: the look is its group is replaced"));
        assert.ok(md.includes("- the group id `G1` (Sarah B) changes: it is replaced: it gets a new id at `up`"));
        assert.ok(md.includes("- videos using `avatar_id` `L2` (Casual) must be updated"));
        assert.match(md, /#### Sarah B \(group `G1`\)/, "the look sits under its group, found through groupId's dependency");
        assert.match(md, /every look in it is replaced too/);
    });

    it("without --show-sames, an unchanged group is named by its resource name", () => {
        const md = renderMarkdown(review({
            steps: [step("update", "PhotoLook", "casual", { id: "L1", old: { name: "Casual", groupId: "G1", image: img("c.png") }, next: { name: "Weekend", groupId: "G1", image: img("c.png") }, reasons: ["name"], groupDep: GROUP })],
            changeSummary: { same: 3, update: 1 },
        }));
        assert.match(md, /#### group `sarah` \(group `G1`\)/);
        assert.match(md, /✏️ rename<br>Casual → Weekend \| Weekend \(`casual`\)/);
        assert.match(md, /\*\*Breaks:\*\* no id changes\./);
        assert.match(md, /\n3 unchanged\./);
    });

    it("a prompt look renamed is a replacement, its prompt change marked", () => {
        const md = renderMarkdown(review({
            steps: [step("replace", "PromptLook", "dreamy", { id: "P1", old: { name: "Dreamy", groupId: "G1", prompt: "in a meadow" }, next: { name: "Dreamier", groupId: "G1", prompt: "on a beach" }, reasons: ["name", "prompt"] })],
        }));
        assert.match(md, /🔁 replace<br>Dreamy → Dreamier/);
        assert.match(md, /prompt ~~in a meadow~~ → on a beach/);
        assert.match(md, /a prompt look cannot be renamed: the new name replaces it/);
        assert.match(md, /#### a group this stack does not manage \(group `G1`\)/);
    });

    it("a consent request: no secret in the report, and a twin's training waits for consent", () => {
        const md = renderMarkdown(review({
            steps: [
                step("create", "DigitalTwinLook", "studio", { next: { name: "Studio", groupId: "G1", footage: { url: "https://cdn.example.com/s.mp4" } } }),
                step("replace", "ConsentRequest", "consent", { id: "C1", old: { groupId: "G1", rerouteUrl: "https://a" }, oldOut: { url: "https://app.heygen.com/consent/SECRET-TOKEN" }, next: { groupId: "G1", rerouteUrl: "https://b" }, reasons: ["rerouteUrl"] }),
            ],
        }));
        assert.doesNotMatch(md, /SECRET-TOKEN/);
        assert.match(md, /training starts once the person has given consent/);
        assert.match(md, /the person is asked for consent/);
        assert.match(md, /footage `https:\/\/cdn.example.com\/s.mp4`/);
        assert.match(md, /\*\*Cost:\*\* 1 training started/);
    });

    it("another project's resources are plain rows; the stack and providers are not rows", () => {
        const r = review({
            steps: [
                { op: "same", urn: "urn:pulumi:dev::estate::pulumi:pulumi:Stack::estate-dev" },
                { op: "create", urn: "urn:pulumi:dev::estate::pulumi:providers:aws::default" },
                { op: "create", urn: "urn:pulumi:dev::estate::aws:s3/bucket:Bucket::media" },
                { op: "update", urn: "urn:pulumi:dev::estate::pulumi-nodejs:dynamic:Resource::other-dynamic" },
            ],
        });
        assert.deepEqual(r.plain.map((p) => `${p.op} ${p.type} ${p.resource}`), ["create aws:s3/bucket:Bucket media", "update pulumi-nodejs:dynamic:Resource other-dynamic"]);
        const md = renderMarkdown(r);
        assert.match(md, /#### Other resources\n\n\| change \| type \| name \| \|\n\|---\|---\|---\|---\|\n\| create \| `aws:s3\/bucket:Bucket` \| `media` \|  \|/);
        assert.match(md, /: 2 other resources\n/);
    });

    it("a preview that is not JSON, or empty, is a failed preview with a clear line", () => {
        const notJson = review(parsePreview("error: no stack named 'dev' found\n"));
        assert.ok(notJson.failed);
        assert.match(renderMarkdown(notJson), /^### HeyGen avatars: the preview failed$/m);
        const partly = review({ steps: [step("create", "PhotoLook", "a", { next: { name: "A", groupId: "G1", image: img("a.png") } })], diagnostics: [{ severity: "error", message: "boom" }] });
        assert.match(renderMarkdown(partly), /^### HeyGen avatars: the preview failed \(planned before it stopped: 1 to create\)$/m);
        assert.match(renderMarkdown(notJson), /- \*\*error\*\*: the preview's output is not JSON: error: no stack named 'dev' found/);
        assert.match(renderMarkdown(review(parsePreview(""))), /the preview printed nothing/);
        assert.match(renderMarkdown(review(parsePreview("[1,2]"))), /JSON but not a preview/);
    });

    it("odd input is dropped, never a crash", async () => {
        for (const odd of [{ steps: 5 }, { steps: [null, { urn: 3 }, { op: 5, urn: "x" }, { op: "create", urn: URN("PhotoLook", "a"), newState: { inputs: { name: 7, image: { path: 9 } } } }] }, { diagnostics: "x" }, { diagnostics: [null, { message: "m" }] }]) {
            const report = await makeReport(odd as any, { projectDir: os.tmpdir() });
            assert.ok(report.markdown.startsWith(MARKER) && report.html.includes("</html>"), JSON.stringify(odd));
        }
    });

    it("a warning on an unchanged look is listed; the look counts as unchanged", () => {
        const r = review({ steps: [step("same", "PromptLook", "dreamy", { id: "P1", old: { name: "Dreamy" }, next: { name: "Dreamy" } })], diagnostics: [{ urn: URN("PromptLook", "dreamy"), severity: "warning", message: "warning: named \"Dreamy (web)\" in HeyGen" }] });
        assert.deepEqual([r.groups.length, r.plain.length, r.unchanged], [0, 0, 1]);
        assert.match(renderMarkdown(r), /- \*\*warning\*\* \(`dreamy`\): named "Dreamy \(web\)" in HeyGen/);
    });

    it("past GitHub's 65,536 characters, a plain summary that fits", () => {
        const steps = Array.from({ length: 3000 }, (_, i) => step("replace", "PhotoLook", `look-${i}`, { id: `L${i}`, old: { name: `Look ${i} ${"x".repeat(40)}`, groupId: "G1", image: img(`m/${i}.png`) }, next: { name: `Look ${i} ${"x".repeat(40)}`, groupId: "G1", image: img(`m/${i}b.png`) }, reasons: ["image"] }));
        const md = renderMarkdown(review({ steps }));
        assert.ok(md.length < COMMENT_LIMIT, `${md.length} characters`);
        assert.ok(md.startsWith(MARKER));
        assert.match(md, /too long for a comment/);
        assert.match(md, /\*\*Cost:\*\* 3000 trainings started/);
        assert.match(md, /- … and \d+ more \(all in the HTML page\)/);
        const manyGroups = renderMarkdown(review({ steps: Array.from({ length: 2000 }, (_, i) => step("create", "AvatarGroup", `g${i}`, { next: { name: `Group ${i} ${"y".repeat(60)}`, firstLook: { type: "photo", image: img("a.png") } } })) }));
        assert.ok(manyGroups.length < COMMENT_LIMIT, `${manyGroups.length} characters`);
        assert.match(manyGroups, /\| … and 1800 more groups \|/);
    });
});

describe("review: pictures from bad input are a line, never a crash", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-pictures-"));
        fs.writeFileSync(path.join(dir, "ok.png"), pngOf([10, 200, 30], 700, 500));
        fs.writeFileSync(path.join(dir, "ok.jpg"), jpegOf([200, 10, 30], 300, 900));
        fs.writeFileSync(path.join(dir, "text.png"), "not a picture at all\n");
        fs.writeFileSync(path.join(dir, "anim.png"), Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(20)]));
        const huge = Buffer.from(pngOf([1, 2, 3], 8, 8));
        huge.writeUInt32BE(30000, 16);
        huge.writeUInt32BE(30000, 20);
        fs.writeFileSync(path.join(dir, "huge.png"), huge);
        const damaged = Buffer.from(pngOf([1, 2, 3], 64, 64));
        damaged.fill(7, 40);
        fs.writeFileSync(path.join(dir, "damaged.png"), damaged);
        fs.writeFileSync(path.join(dir, "cut.png"), pngOf([1, 2, 3]).subarray(0, 12));
        fs.mkdirSync(path.join(dir, "folder.png"));
        fs.closeSync(fs.openSync(path.join(dir, "big.jpg"), "w"));
        fs.truncateSync(path.join(dir, "big.jpg"), 65 * 1024 * 1024); // sparse: no disk, no time
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("makes thumbnails of at most 256 px from PNG and JPEG, keeping the shape", () => {
        const png = localPicture(dir, "ok.png");
        assert.ok(png.ok);
        assert.deepEqual([png.width, png.height, png.sourceWidth, png.sourceHeight], [256, 183, 700, 500]);
        assert.match(png.dataUri, /^data:image\/jpeg;base64,/);
        const jpg = localPicture(dir, "ok.jpg");
        assert.ok(jpg.ok && jpg.width === 85 && jpg.height === 256);
        assert.deepEqual(fitWithin(100, 50, 256), { width: 100, height: 50 }, "never enlarged");
    });

    it("says what is wrong with each bad file", () => {
        const line = (rel: string, sha?: string) => {
            const p = localPicture(dir, rel, sha);
            return p.ok ? `ok${p.note ? `: ${p.note}` : ""}` : p.line;
        };
        assert.match(line("missing.png"), /^`missing.png` is not in .*: run the review where the preview ran, with the same files$/);
        assert.equal(line("folder.png"), "`folder.png` is not a file");
        assert.equal(line("text.png"), "`text.png` is not a PNG or JPEG image: it is text");
        assert.equal(line("anim.png"), "`anim.png` is not a PNG or JPEG image: it is a GIF (HeyGen takes PNG or JPEG)");
        assert.equal(line("big.jpg"), "`big.jpg` is 65 MB: too large to show here (over 64 MB)");
        assert.equal(line("huge.png"), "`huge.png` is 30000x30000 pixels: too large to show here (over 50 megapixels)");
        assert.match(line("damaged.png"), /^`damaged.png` could not be decoded as PNG \(.+\)$/);
        assert.equal(line("cut.png"), "`cut.png` is not a whole image: its header is cut short");
        assert.equal(line("ok.png", "00".repeat(32)), "ok: `ok.png` has changed since the preview (its sha256 differs): this is the file as it is now");
        const sha = crypto.createHash("sha256").update(fs.readFileSync(path.join(dir, "ok.png"))).digest("hex");
        assert.equal(line("ok.png", sha), "ok");
    });

    it("judges headers before decoding anything", () => {
        assert.deepEqual(judge(readHeader(Buffer.alloc(0)), "x"), { ok: false, line: "x is not a PNG or JPEG image: it is an empty file" });
        assert.equal(judge({ type: "image/png", width: 0, height: 5 }, "x").ok, false);
        assert.equal(thumbnail(Buffer.from("%PDF-1.4"), "x").ok, false);
    });

    it("a prompt look's reference images, and its prompt's change marked, on the page", async () => {
        const report = await makeReport({
            steps: [step("replace", "PromptLook", "dreamy", {
                id: "P1", old: { name: "Dreamy", groupId: "G1", prompt: "Sarah in a meadow" }, oldOut: { previewImageUrl: null },
                next: { name: "Dreamy", groupId: "G1", prompt: "Sarah on a <beach>", referenceImages: [img("ok.png"), img("text.png")] }, reasons: ["prompt"],
            })],
        }, { projectDir: dir });
        const html = report.html;
        assert.match(html, /<figure class="ref"><img src="data:image\/jpeg;base64,[^"]+" width="256" height="183" alt="reference image 1">/);
        assert.match(html, /<figure class="ref missing"><div class="nopic">`text.png` is not a PNG or JPEG image: it is text<\/div><figcaption>reference image 2/);
        assert.match(html, /Sarah <del>in<\/del><ins>on<\/ins> a <del>meadow<\/del><ins>&lt;beach&gt;<\/ins>/);
        assert.match(html, /no current picture in state/);
    });

    it("a current picture that cannot be downloaded is a line", async () => {
        const p = await remotePicture("http://127.0.0.1:9/nothing.png");
        assert.ok(!p.ok && /^the current picture could not be downloaded \(.+\)$/.test(p.line), JSON.stringify(p));
        const q = await remotePicture("s3://bucket/x.png");
        assert.ok(!q.ok && q.line === "the current picture has no http(s) link");
    });
});

describe("review: scale", function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-scale-"));
        // One realistic photo-sized picture (noise defeats compression) under 1,000 names: each is read and decoded.
        const photo = pngOf([128, 128, 128], 600, 600);
        fs.mkdirSync(path.join(dir, "m"));
        for (let i = 0; i < 1000; i++) fs.writeFileSync(path.join(dir, "m", `${i}.png`), photo);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("1,000 looks created: the report in a few seconds, the page a few MB at most", async () => {
        const steps = Array.from({ length: 1000 }, (_, i) => step("create", "PhotoLook", `look-${i}`, { next: { name: `Look ${i}`, groupId: "G1", image: img(`m/${i}.png`) } }));
        const t0 = Date.now();
        const report = await makeReport({ steps }, { projectDir: dir });
        const ms = Date.now() - t0;
        const mb = report.html.length / 1048576;
        console.log(`      1,000 looks: ${ms} ms, HTML ${mb.toFixed(2)} MB, Markdown ${report.markdown.length} chars, ${report.stats.pictures} pictures, ${report.stats.leftOut} left out`);
        assert.ok(ms < 8_000, `${ms} ms`);
        assert.ok(mb < 5, `${mb} MB`);
        assert.ok(report.markdown.length < COMMENT_LIMIT);
        assert.equal(report.review.counts.create, 1000);
        assert.equal(report.stats.pictures + report.stats.leftOut, 1000, "every picture is shown or said to be left out");
        assert.ok(report.stats.pictures >= 100, "most of the budget goes to pictures");
    });
});

describe("review: the command", () => {
    let dir: string;
    const run = async (args: string[], stdin = "") => {
        const out = new PassThrough(), err = new PassThrough();
        let stdout = "", stderr = "";
        out.on("data", (d) => (stdout += d));
        err.on("data", (d) => (stderr += d));
        const input = new PassThrough();
        input.end(stdin);
        const code = await main(args, { stdin: input, stdout: out as any, stderr: err as any });
        return { code, stdout, stderr };
    };
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-cli-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads a file or standard input, writes the Markdown and the page", async () => {
        const preview: PreviewJson = { steps: [step("create", "PhotoLook", "a", { next: { name: "A", groupId: "G1", image: img("a.png") } })], changeSummary: { create: 1 } };
        fs.writeFileSync(path.join(dir, "p.json"), JSON.stringify(preview));
        const html = path.join(dir, "r.html");
        let r = await run(["review", path.join(dir, "p.json"), "--cwd", dir, "--html", html]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^<!-- pulumi-heygen review -->\n### HeyGen avatars: 1 to create/);
        assert.match(fs.readFileSync(html, "utf8"), /`a.png` is not in /);
        r = await run(["review", "-", "--cwd", dir, "--html", html, "--markdown", path.join(dir, "r.md"), "--title", "Prod avatars"], JSON.stringify(preview));
        assert.equal(r.code, 0, r.stderr);
        assert.match(fs.readFileSync(path.join(dir, "r.md"), "utf8"), /### Prod avatars: 1 to create/);
    });

    it("usage errors exit 2 with what to do, never a stack trace", async () => {
        const cases: [string[], RegExp][] = [
            [["review", path.join(dir, "none.json")], /none\.json: no such file \(write it with `pulumi preview --json > .*none\.json`\)/],
            [["review", "--nope"], /Unknown option '--nope'/],
            [["review", "a.json", "b.json"], /one preview file at most/],
            [["review", "-", "--cwd", path.join(dir, "nowhere")], /--cwd .*nowhere: no such directory/],
            [["preview"], /unknown command 'preview'. The one command is 'review'/],
        ];
        for (const [args, want] of cases) {
            const r = await run(args);
            assert.equal(r.code, 2, args.join(" "));
            assert.match(r.stderr, want);
            assert.match(r.stderr, /Usage: pulumi-heygen review/);
            assert.doesNotMatch(r.stderr, /\n\s+at /);
        }
    });

    it("a failed or garbled preview still makes a report that says so (exit 0)", async () => {
        const html = path.join(dir, "f.html");
        const r = await run(["review", "-", "--cwd", dir, "--html", html], "error: could not load plugin\n");
        assert.equal(r.code, 0);
        assert.match(r.stderr, /the preview FAILED/);
        assert.match(r.stdout, /\*\*The preview failed\*\*/);
        assert.match(fs.readFileSync(html, "utf8"), /could not load plugin/);
    });
});

describe("review: the emulator serves real pictures", () => {
    let emu: Emulator;
    before(async () => (emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } })));
    after(() => emu.stop());

    it("a look made from base64 or an uploaded asset shows those bytes; one from a URL a placeholder", async () => {
        const api = raw(emu.url);
        const png = pngOf([250, 100, 0], 600, 600);
        const jpg = jpegOf([0, 100, 250], 600, 600);
        const group = await api.post("/v3/avatars", { type: "photo", name: "G", file: { type: "base64", media_type: "image/png", data: png.toString("base64") } });
        assert.equal(group.status, 200, group.text);
        const form = new FormData();
        form.append("file", new Blob([jpg]), "j.jpg");
        const asset = await api.call("POST", "/v3/assets", { body: form });
        assert.equal(asset.status, 200, asset.text);
        const fromAsset = await api.post("/v3/avatars", { type: "photo", name: "A", avatar_group_id: group.body.data.avatar_group.id, file: { type: "asset_id", asset_id: asset.body.data.asset_id } });
        // The asset is deleted once the look trained (as the provider does): the picture stays.
        assert.equal((await api.del(`/v3/assets/${asset.body.data.asset_id}`)).status, 200);
        const fromUrl = await api.post("/v3/avatars", { type: "photo", name: "U", avatar_group_id: group.body.data.avatar_group.id, file: { type: "url", url: "https://cdn.example.com/u.jpg" } });
        const picture = async (id: string) => {
            const look = await api.get(`/v3/avatars/looks/${id}`);
            const res = await fetch(look.body.data.preview_image_url);
            return { type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()) };
        };
        const a = await picture(group.body.data.avatar_item.id);
        assert.deepEqual([a.type, a.bytes.equals(png)], ["image/png", true]);
        const b = await picture(fromAsset.body.data.avatar_item.id);
        assert.deepEqual([b.type, b.bytes.equals(jpg)], ["image/jpeg", true]);
        const c = await picture(fromUrl.body.data.avatar_item.id);
        assert.equal(c.type, "image/png");
        assert.equal(c.bytes.length < 100, true, "a 1x1 placeholder: the emulator cannot download");
        // A deleted look's copy goes with it.
        const id = fromAsset.body.data.avatar_item.id;
        const url = (await api.get(`/v3/avatars/looks/${id}`)).body.data.preview_image_url;
        assert.equal((await api.del(`/v3/avatars/looks/${id}`)).status, 200);
        assert.ok((await fetch(url).then((r) => r.arrayBuffer())).byteLength < 100, "the placeholder once the look is gone");
    });
});
