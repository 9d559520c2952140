// Issue 20 through the real engine: what a preview could know fails it, naming the property or setting
// (a photo under 512×512, text named .png, a photo url ending in .mp4, a `heygen:` key with a typo), and
// the errors a user meets (a destroy blocked by a look made elsewhere, a base URL ending in /v3 or not a
// URL, an unreachable API) are shown once, one message, without stack frames.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, type RunResult } from "../support/engine";
import { http as raw, media } from "../support/http";

const ESTATE = `
import * as heygen from "pulumi-heygen";
const g = new heygen.AvatarGroup("sarah", { name: "Sarah", firstLook: { type: "photo", name: "Sarah - headshot", image: { path: "media/sarah.png" } } });
export const groupId = g.groupId;
`;

/** Stack frames as Node prints them: a line starting with spaces, then `at `. */
const FRAME = /^[ \t]+at \S/m;

const closedPort = () =>
    new Promise<number>((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });

/** The engine's diagnostics of a `--json` run (preview: one JSON document; up/destroy: one event a line). */
function diagnostics(r: RunResult): { message: string; severity: string; urn?: string }[] {
    try {
        return (JSON.parse(r.stdout).diagnostics ?? []) as { message: string; severity: string }[];
    } catch {
        return r.stdout.split("\n").filter((l) => l.trim().startsWith("{")).map((l) => JSON.parse(l)).filter((e) => e.diagnosticEvent)
            .map((e) => ({ message: e.diagnosticEvent.message, severity: e.diagnosticEvent.severity, urn: e.diagnosticEvent.urn }));
    }
}

/** How many diagnostics hold `text`, and that no output of the run holds a stack frame. */
function shownOnce(r: RunResult, text: string | RegExp): void {
    const all = diagnostics(r);
    const holding = all.filter((d) => (typeof text === "string" ? d.message.includes(text) : text.test(d.message)));
    assert.equal(holding.length, 1, `exactly one diagnostic says it; got ${holding.length}:\n${all.map((d) => `[${d.severity}] ${d.message}`).join("\n")}`);
    assert.doesNotMatch(holding[0].message, /\n.*\n.*\n/, "one message, not a dump");
    // In --json output a message's lines are escaped: look in each diagnostic as well as in the raw output.
    for (const d of all) assert.doesNotMatch(d.message, FRAME, `no stack frames: [${d.severity}] ${d.message}`);
    assert.doesNotMatch(r.stdout + r.stderr, FRAME, `no stack frames:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
}

describe("errors and preview checks (real engine, emulator)", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    const project = (name: string, program = ESTATE, env: Record<string, string> = {}) => {
        const p = CliProject.create(name, { "index.ts": program }, { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url, ...env });
        fs.mkdirSync(path.join(p.dir, "media"), { recursive: true });
        fs.writeFileSync(path.join(p.dir, "media", "sarah.png"), media.png(800, 800));
        return p;
    };

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
    });
    after(() => emu.stop());

    it("a destroy blocked by a look made elsewhere: the guard's message once, no stack frames", async () => {
        const p = project("errors-destroy");
        try {
            await p.ok(["stack", "init", "dev"]);
            assert.equal((await p.apply("up")).result, "succeeded");
            const { groupId } = (await p.outputs()) as { groupId: string };
            await control.post("/v3/avatars", { type: "photo", name: "Made in the web app", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/w.jpg" } });
            const r = await p.run(["destroy", "--yes", "--json", "--skip-preview"]);
            assert.notEqual(r.code, 0);
            shownOnce(r, "still holds 1 look this stack does not manage");
        } finally {
            p.remove();
        }
    });

    it("a base URL ending in /v3 fails the preview, naming HEYGEN_API_BASE and what to write", async () => {
        const p = project("errors-v3", ESTATE, { HEYGEN_API_BASE: `${emu.url}/v3` });
        try {
            await p.ok(["stack", "init", "dev"]);
            const r = await p.run(["preview", "--json"]);
            assert.notEqual(r.code, 0);
            shownOnce(r, `HEYGEN_API_BASE is '${emu.url}/v3', which ends in the API version /v3`);
            assert.match(diagnostics(r).map((d) => d.message).join("\n"), new RegExp(`Leave the version out: \`export HEYGEN_API_BASE=${emu.url}\``));
            assert.doesNotMatch(r.stdout, /No route/);
        } finally {
            p.remove();
        }
    });

    it("a heygen:baseUrl that is not a URL fails the preview, naming it", async () => {
        const p = project("errors-badurl");
        try {
            await p.ok(["stack", "init", "dev"]);
            await p.ok(["config", "set", "heygen:baseUrl", "api.heygen.com"]);
            const r = await p.run(["preview", "--json"]);
            assert.notEqual(r.code, 0);
            shownOnce(r, "heygen:baseUrl is 'api.heygen.com', which is not a URL");
            assert.doesNotMatch(r.stdout, /Invalid URL/);
        } finally {
            p.remove();
        }
    });

    it("an unreachable API: the URL it tried, once, no stack frames", async () => {
        const base = `http://127.0.0.1:${await closedPort()}`;
        const p = project("errors-unreachable", ESTATE, { HEYGEN_API_BASE: base });
        try {
            await p.ok(["stack", "init", "dev"]);
            const r = await p.run(["preview", "--json"]);
            assert.notEqual(r.code, 0);
            shownOnce(r, `could not reach ${base} (ECONNREFUSED)`);
            assert.match(diagnostics(r).map((d) => d.message).join("\n"), /Check the API's address \(heygen:baseUrl, or HEYGEN_API_BASE\)/);
        } finally {
            p.remove();
        }
    });

    it("a heygen: config key with a typo fails the preview, naming the key and the setting meant", async () => {
        const p = project("errors-typo");
        try {
            await p.ok(["stack", "init", "dev"]);
            await p.ok(["config", "set", "heygen:baseURL", emu.url]);
            const r = await p.run(["preview", "--json"]);
            assert.notEqual(r.code, 0);
            shownOnce(r, "heygen:baseURL in the stack config is not a setting of pulumi-heygen: did you mean heygen:baseUrl?");
            await p.ok(["config", "rm", "heygen:baseURL"]);
            await p.ok(["config", "set", "--secret", "heygen:apikey", emu.apiKey]);
            const k = await p.run(["preview", "--json"]);
            assert.notEqual(k.code, 0);
            shownOnce(k, /heygen:apikey .*did you mean heygen:apiKey\? .*`pulumi config set --secret heygen:apiKey <key>`/);
            assert.doesNotMatch(k.stdout + k.stderr, new RegExp(emu.apiKey), "the key's value is never shown");
        } finally {
            p.remove();
        }
    });

    it("a photo under 512×512, text named .png and a photo url ending in .mp4 each fail the preview, naming the property", async () => {
        const program = `
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";
const which = new pulumi.Config().require("case");
if (which === "tiny") new heygen.AvatarGroup("tiny", { name: "Tiny", firstLook: { type: "photo", image: { path: "media/tiny.png" } } });
if (which === "notes") new heygen.PhotoLook("notes", { groupId: "g1", name: "Notes", image: { path: "media/notes.png" } });
if (which === "clip") new heygen.PhotoLook("clip", { groupId: "g1", name: "Clip", image: { url: "https://cdn.example.com/sarah.mp4" } });
`;
        const p = project("errors-files", program);
        try {
            fs.writeFileSync(path.join(p.dir, "media", "tiny.png"), media.png(100, 100));
            fs.writeFileSync(path.join(p.dir, "media", "notes.png"), "these are notes\n");
            await p.ok(["stack", "init", "dev"]);
            await control.del("/_emulator/requests");
            const expected: [string, RegExp][] = [
                ["tiny", /property firstLook\.image\.path .*'media\/tiny\.png' holds a photo of 100×100 pixels; HeyGen trains a look only from a photo of at least 512×512 pixels: give a larger photo/],
                ["notes", /property image\.path .*'media\/notes\.png' holds neither JPEG nor PNG bytes, and HeyGen reads a file's type from its bytes/],
                ["clip", /property image\.url .*'https:\/\/cdn\.example\.com\/sarah\.mp4' ends in \.mp4, a video's extension; a photo is needed/],
            ];
            for (const [which, reason] of expected) {
                await p.ok(["config", "set", "case", which]);
                const r = await p.run(["preview", "--json"]);
                assert.notEqual(r.code, 0, `${which}: the preview fails`);
                shownOnce(r, reason);
            }
            const requests = (await control.get("/_emulator/requests")).body.data as { method: string; path: string }[];
            assert.deepEqual(requests.map((q) => `${q.method} ${q.path}`), [], "the preview asked HeyGen nothing");
        } finally {
            p.remove();
        }
    });
});
