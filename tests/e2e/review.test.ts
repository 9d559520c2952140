// `pulumi-heygen review` end to end, as a reviewer sees it: real previews from the real engine against the
// emulator (which serves each look's real picture), the command run as installed, and the HTML page opened
// in headless Chromium (Debian's package, driven by playwright-core; no browser is ever downloaded). Each
// picture is a solid colour, so the test reads the pixels the browser shows and knows it is the right one.
// The example CI workflow's commands run here as written, against the emulator.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type BrowserContext, chromium } from "playwright-core";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, REPO, runCommand } from "../support/engine";
import { http as raw } from "../support/http";
import { type Rgb, jpegOf, pngOf } from "../support/pictures";

const CHROMIUM = "/usr/bin/chromium";
/** Where the screenshot of the page is kept (overwritten each run). */
export const SCREENSHOT = path.join(REPO, ".work", "review-report.png");

const PROGRAM = `
const fs = require("fs");
const heygen = require("pulumi-heygen");
const k = JSON.parse(fs.readFileSync("knobs.json", "utf8"));
const image = (l) => (l.base64 ? { base64: fs.readFileSync(l.base64).toString("base64"), mediaType: l.mediaType } : { path: l.path });
const sarah = new heygen.AvatarGroup("sarah", { name: "Sarah", firstLook: { type: "photo", name: "Sarah - headshot", image: { path: "media/head.png" } } });
for (const [name, l] of Object.entries(k.looks)) {
    new heygen.PhotoLook(name, { groupId: l.groupId ?? sarah.groupId, name: l.name, image: image(l), adoptLookId: l.adoptLookId });
}
`;

const COLOURS: Record<string, Rgb> = {
    head: [205, 165, 125], keep: [120, 120, 120], before: [30, 90, 200], after: [210, 40, 40], renamed: [30, 160, 60], gone: [220, 200, 40], added: [150, 60, 180],
};

interface PageRow {
    change: string | null;
    resource: string | null;
    text: string;
    pictures: { caption: string; loaded: boolean; width: number; rgb: number[]; missing: string }[];
}

const close = (a: number[], b: number[]) => a.every((x, i) => Math.abs(x - b[i]) <= 24);

describe("pulumi-heygen review: the report of a preview, in a real browser", function () {
    this.timeout(240_000);
    let emu: Emulator;
    let p: CliProject;
    let browser: BrowserContext;
    let knobs: any;
    let profile: string;
    const ids: Record<string, string> = {};
    const setKnobs = () => fs.writeFileSync(path.join(p.dir, "knobs.json"), JSON.stringify(knobs));
    const review = async (previewFile: string, name: string) => {
        const r = await runCommand(path.join(p.dir, "node_modules", ".bin", "pulumi-heygen"),
            ["review", previewFile, "--markdown", `${name}.md`, "--html", `${name}.html`], p.dir, {});
        assert.equal(r.code, 0, `review exited ${r.code}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
        return { md: fs.readFileSync(path.join(p.dir, `${name}.md`), "utf8"), htmlFile: path.join(p.dir, `${name}.html`), stderr: r.stderr };
    };
    const preview = async (file: string) => {
        const r = await p.run(["preview", "--json", "--show-sames"]);
        fs.writeFileSync(path.join(p.dir, file), r.stdout);
        return r;
    };
    /** Each row of the page: its change, resource, and each picture's load state and centre colour. */
    const readPage = async (htmlFile: string, screenshot?: string) => {
        const page = await browser.newPage();
        try {
            await page.goto(`file://${htmlFile}`);
            await page.waitForLoadState("load");
            // Runs in the page (this project compiles without the DOM's types, hence the `any`s).
            const rows: PageRow[] = await page.$$eval("table.group tr", (trs: any[]) => trs.map((tr: any) => ({
                change: tr.getAttribute("data-change"),
                resource: tr.getAttribute("data-resource"),
                text: tr.innerText as string,
                pictures: [...tr.querySelectorAll("figure")].map((f: any) => {
                    const img = f.querySelector("img");
                    if (!img) return { caption: f.querySelector("figcaption")?.textContent ?? "", loaded: false, width: 0, rgb: [] as number[], missing: f.textContent ?? "" };
                    const c = (globalThis as any).document.createElement("canvas");
                    c.width = img.naturalWidth;
                    c.height = img.naturalHeight;
                    const ctx = c.getContext("2d")!;
                    ctx.drawImage(img, 0, 0);
                    const px = img.naturalWidth ? [...ctx.getImageData(Math.floor(img.naturalWidth / 2), Math.floor(img.naturalHeight / 3), 1, 1).data].slice(0, 3) : [];
                    return { caption: f.querySelector("figcaption")?.textContent ?? "", loaded: img.complete && img.naturalWidth > 0 && img.naturalHeight > 0, width: img.naturalWidth, rgb: px, missing: "" };
                }),
            })));
            const heading = await page.textContent("h1");
            const failedBanner = await page.$(".failed");
            if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
            return { rows, heading: heading ?? "", failed: !!failedBanner, text: await page.innerText("body") };
        } finally {
            await page.close();
        }
    };

    before(async () => {
        assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does`);
        // A fresh profile each run (playwright passes it as --user-data-dir).
        fs.mkdirSync(path.join(REPO, ".work"), { recursive: true });
        profile = fs.mkdtempSync(path.join(REPO, ".work", "chromium-"));
        browser = await chromium.launchPersistentContext(profile, {
            executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
            args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        p = CliProject.create("review", { "Pulumi.yaml": "name: review\nruntime: nodejs\nmain: index.js\n", "index.js": PROGRAM },
            { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url });
        // The command as a user's project has it: pulumi-heygen installed, its bin linked.
        fs.mkdirSync(path.join(p.dir, "node_modules", ".bin"), { recursive: true });
        const bin = (JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).bin as Record<string, string>)["pulumi-heygen"];
        fs.symlinkSync(path.join(REPO, "node_modules", "pulumi-heygen", bin), path.join(p.dir, "node_modules", ".bin", "pulumi-heygen"));
        fs.mkdirSync(path.join(p.dir, "media"));
        for (const [name, rgb] of Object.entries(COLOURS)) fs.writeFileSync(path.join(p.dir, "media", `${name}.png`), pngOf(rgb, 640, 640));
        fs.writeFileSync(path.join(p.dir, "media", "added.jpg"), jpegOf(COLOURS.added, 800, 1000));
        knobs = {
            looks: {
                keep: { name: "Sarah - keep", path: "media/keep.png" },
                studio: { name: "Sarah - studio", path: "media/before.png" },
                casual: { name: "Sarah - casual", path: "media/renamed.png" },
                // Bytes given inline: the emulator keeps what it received as the look's picture.
                old: { name: "Sarah - old", base64: "media/gone.png", mediaType: "image/png" },
            },
        };
        setKnobs();
        await p.ok(["stack", "init", "dev"]);
    });
    after(async () => {
        await browser?.close();
        if (profile) fs.rmSync(profile, { recursive: true, force: true });
        p?.remove();
        await emu?.stop();
    });

    it("a first preview: every look to create, each a training, nothing breaks", async () => {
        const r = await preview("create.json");
        assert.equal(r.code, 0, r.stderr);
        const { md, htmlFile } = await review("create.json", "create");
        assert.match(md, /^<!-- pulumi-heygen review -->\n### HeyGen avatars: 5 to create\n/);
        assert.match(md, /\*\*Cost:\*\* 5 trainings started/);
        assert.match(md, /\*\*Breaks:\*\* no id changes\./);
        assert.match(md, /#### Sarah\n/);
        assert.match(md, /inline bytes, sha256 `[0-9a-f]{12}`…/, "base64 bytes are shown by their hash");
        const page = await readPage(htmlFile);
        assert.deepEqual(page.rows.map((row) => `${row.change} ${row.resource}`), ["create sarah", "create casual", "create keep", "create old", "create studio"]);
        const shown: Record<string, PageRow["pictures"]> = Object.fromEntries(page.rows.map((row) => [row.resource ?? "", row.pictures]));
        for (const [name, colour] of [["sarah", COLOURS.head], ["casual", COLOURS.renamed], ["keep", COLOURS.keep], ["studio", COLOURS.before]] as const) {
            assert.equal(shown[name].length, 1, name);
            assert.ok(shown[name][0].loaded && close(shown[name][0].rgb, colour), `${name}: ${JSON.stringify(shown[name][0])}`);
        }
        assert.match(shown.old[0].missing, /inline bytes, sha256 [0-9a-f]{64}: given as base64 in the program, never stored/);
        const up = await p.apply("up");
        assert.equal(up.result, "succeeded", up.stdout.slice(-2000));
        const state = await p.exportState();
        for (const res of state.deployment.resources) if (res.type.includes("heygen")) ids[res.urn.split("::").pop()!] = res.id!;
    });

    it("the emulator serves each look's real picture, uploaded or inline", async () => {
        const state = await p.exportState();
        for (const [name, colour] of [["studio", COLOURS.before], ["old", COLOURS.gone]] as const) {
            const res = state.deployment.resources.find((x) => x.urn.endsWith(`::${name}`))!;
            const got = await fetch(res.outputs.previewImageUrl);
            assert.equal(got.status, 200);
            const bytes = Buffer.from(await got.arrayBuffer());
            assert.deepEqual(bytes, fs.readFileSync(path.join(p.dir, "media", `${name === "studio" ? "before" : "gone"}.png`)), `${name}: the bytes it was made from`);
            assert.ok(colour);
        }
    });

    it("add, replace, rename, delete: four rows with the right pictures, old beside new, and the ids that change", async () => {
        knobs.looks.added = { name: "Sarah - added", path: "media/added.jpg" };
        knobs.looks.studio.path = "media/after.png";
        knobs.looks.casual.name = "Sarah - weekend";
        delete knobs.looks.old;
        setKnobs();
        const r = await preview("change.json");
        assert.equal(r.code, 0, r.stderr);
        const { md, htmlFile, stderr } = await review("change.json", "change");
        assert.match(stderr, /wrote change\.md and .*change\.html \(5 pictures/);
        assert.match(md, /### HeyGen avatars: 1 to create, 1 to rename, 1 to replace, 1 to delete\n/);
        assert.match(md, /\*\*Cost:\*\* 2 trainings started/);
        assert.ok(md.includes(`- videos using \`avatar_id\` \`${ids.studio}\` (Sarah - studio) must be updated: the look is replaced`), md);
        assert.ok(md.includes(`- videos using \`avatar_id\` \`${ids.old}\` (Sarah - old) must be updated: the look is deleted`), md);
        assert.ok(!md.includes(ids.casual) && !md.includes(ids.keep), "a rename and an unchanged look break nothing");
        assert.match(md, /✏️ rename<br>Sarah - casual → Sarah - weekend/);
        assert.match(md, new RegExp(`#### Sarah \\(group \`${ids.sarah}\`\\)`));
        assert.match(md, /\n2 unchanged\./, "the group and the look kept");

        const page = await readPage(htmlFile, SCREENSHOT);
        console.log(`      screenshot of the page: ${SCREENSHOT}`);
        const byResource: Record<string, PageRow> = Object.fromEntries(page.rows.map((row) => [row.resource ?? "", row]));
        assert.deepEqual(page.rows.map((row) => `${row.change} ${row.resource}`).sort(), ["create added", "delete old", "rename casual", "replace studio"]);
        for (const row of page.rows) for (const pic of row.pictures) assert.ok(pic.loaded, `${row.resource}: "${pic.caption}" loads (${pic.missing})`);
        const colours = (name: string) => byResource[name].pictures.map((x) => x.rgb);
        const expect = (name: string, want: Rgb[]) => {
            assert.equal(colours(name).length, want.length, `${name}: ${want.length} pictures`);
            want.forEach((c, i) => assert.ok(close(colours(name)[i], c), `${name} picture ${i + 1}: ${colours(name)[i]} is not ${c}`));
        };
        expect("added", [COLOURS.added]);
        expect("studio", [COLOURS.before, COLOURS.after]); // current, then new
        expect("casual", [COLOURS.renamed]);
        expect("old", [COLOURS.gone]);
        assert.match(byResource.studio.pictures[0].caption, /current picture \(replaced\)/);
        assert.match(byResource.studio.pictures[1].caption, /new picture/);
        assert.match(byResource.old.pictures[0].caption, /current picture \(goes\)/);
        assert.ok(byResource.added.pictures[0].width <= 256, "a thumbnail, not the full picture");
        assert.match(byResource.casual.text, /Sarah - casual\s*→\s*Sarah - weekend/);
        assert.match(byResource.studio.text, new RegExp(`breaks avatar_id ${ids.studio}`));
        assert.match(page.heading, /1 to create, 1 to rename, 1 to replace, 1 to delete/);
        assert.ok(fs.statSync(htmlFile).size < 200_000, "pictures are embedded as thumbnails");
        assert.ok(!fs.readFileSync(htmlFile, "utf8").includes(emu.apiKey), "the key never appears");
    });

    it("adopting an existing look: an adopt row, no training, the picture it has", async () => {
        const control = raw(emu.url);
        const made = await control.post("/v3/avatars", { type: "photo", name: "Sarah - found", avatar_group_id: ids.sarah, file: { type: "base64", media_type: "image/png", data: fs.readFileSync(path.join(p.dir, "media", "keep.png")).toString("base64") } });
        assert.equal(made.status, 200, made.text);
        knobs.looks.found = { name: "Sarah - found", path: "media/keep.png", adoptLookId: made.body.data.avatar_item.id };
        setKnobs();
        assert.equal((await preview("adopt.json")).code, 0);
        const { md, htmlFile } = await review("adopt.json", "adopt");
        assert.match(md, /### HeyGen avatars: 1 to create, 1 to adopt, 1 to rename, 1 to replace, 1 to delete\n/);
        assert.match(md, new RegExp(`📥 adopt \\| Sarah - found \\(\`found\`\\) \\| photo look \\| .*takes over the existing look \`${made.body.data.avatar_item.id}\`: nothing is created, no training \\| {2}\\|`));
        assert.match(md, /\*\*Cost:\*\* 2 trainings started/, "the adoption adds none");
        const page = await readPage(htmlFile);
        const found = page.rows.find((row) => row.resource === "found")!;
        assert.equal(found.change, "adopt");
        assert.ok(found.pictures.every((x) => x.loaded) && close(found.pictures[0].rgb, COLOURS.keep));
        delete knobs.looks.found;
    });

    it("a failed preview: the report says so, with the error, and shows what was planned", async () => {
        knobs.looks.broken = { name: "Sarah - broken", path: "media/not-there.png" };
        setKnobs();
        const r = await preview("failed.json");
        delete knobs.looks.broken;
        setKnobs();
        assert.notEqual(r.code, 0, "the preview fails");
        const { md, htmlFile } = await review("failed.json", "failed");
        assert.match(md, /> \*\*The preview failed\*\*/);
        assert.match(md, /^### HeyGen avatars: the preview failed( \(planned before it stopped: .+\))?\n/m);
        assert.match(md, /- \*\*error\*\* \(`broken`\): .*file 'media\/not-there\.png' does not exist/);
        const page = await readPage(htmlFile);
        assert.ok(page.failed, "the page shows the failure");
        assert.match(page.text, /not-there\.png/);
    });

    it("the example workflow's commands, as written, against the emulator: preview, review, then up", async () => {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const yaml = require("js-yaml") as { load(s: string): any };
        const wf = yaml.load(fs.readFileSync(path.join(REPO, "examples", "ci", "heygen-review.yml"), "utf8"));
        const step = (job: string, id: string) => {
            const s = wf.jobs[job].steps.find((x: any) => x.id === id);
            assert.ok(s?.run, `job ${job} has a step with id ${id}`);
            return s.run as string;
        };
        const outputs = path.join(p.dir, "github-output");
        const env = { ...p.env, STACK: "dev", GITHUB_OUTPUT: outputs };
        const bash = (script: string) => runCommand("bash", ["-eo", "pipefail", "-c", script], p.dir, env, 180_000);
        for (const f of ["preview.json", "review.md", "review.html"]) fs.rmSync(path.join(p.dir, f), { force: true });
        let r = await bash(step("preview", "preview"));
        assert.equal(r.code, 0, r.stderr);
        assert.match(fs.readFileSync(outputs, "utf8"), /^status=0$/m);
        r = await bash(step("preview", "review"));
        assert.equal(r.code, 0, r.stderr);
        const md = fs.readFileSync(path.join(p.dir, "review.md"), "utf8");
        assert.ok(md.startsWith("<!-- pulumi-heygen review -->\n"), "starts with the marker the comment step looks for");
        assert.ok(wf.jobs.preview.steps.some((s: any) => String(s.with?.script ?? "").includes('const marker = "<!-- pulumi-heygen review -->"')));
        assert.match(md, /1 to create, 1 to rename, 1 to replace, 1 to delete/);
        assert.ok(fs.statSync(path.join(p.dir, "review.html")).size > 1000);
        for (const s of Object.values(wf.jobs).flatMap((j: any) => j.steps)) {
            assert.doesNotMatch(String((s as any).run ?? ""), /echo[^\n]*HEYGEN_API_KEY|set -x/, "the key is never echoed");
        }
        r = await bash(step("up", "up"));
        assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
        const after = await preview("after.json");
        assert.equal(after.code, 0);
        const again = await review("after.json", "after");
        assert.match(again.md, /: no changes to avatars\n/);
        assert.match(again.md, /\*\*Cost:\*\* no training is started\./);
    });
});
