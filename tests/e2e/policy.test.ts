// The policy pack pulumi-heygen ships (`node_modules/pulumi-heygen/policy-pack`), run by the real engine
// with `pulumi preview --policy-pack ... --policy-pack-config ...`, as the README's "Teams" section says:
// a compliant estate passes with every rule on; each rule, broken alone, stops the preview with its own
// message (and no other rule's). On this project's offline engine that goes through the language host's
// RunPlugin (scripts/langhost/policy-proxy.js); with a Pulumi install, through Pulumi's own.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, REPO, type RunResult } from "../support/engine";
import { http as raw } from "../support/http";
import { MARKER_VAR, killMarkedProcesses, markedProcesses, startCommand, waitForNoMarkedProcesses } from "../support/processes";

const PACK = path.join(REPO, "node_modules", "pulumi-heygen", "policy-pack");
const TEAM_CONFIG = {
    "heygen-no-force-destroy": { stacks: ["prod"] },
    "heygen-name-pattern": { pattern: "^[A-Z][a-z]+( - [a-z]+)?$", hint: "a capitalised name, then ' - ' and a lowercase word" },
    "heygen-max-looks": { maxLooks: 3 },
};
type Knobs = { noConsent?: boolean; forceDestroy?: boolean; notRetained?: boolean; badName?: boolean; extraLook?: boolean };
// One program; knobs.json breaks one rule at a time. Plain JavaScript (no compile per run).
const PROGRAM = `
const heygen = require("pulumi-heygen");
const k = require("./knobs.json");
const photo = (n) => ({ url: "https://cdn.example.com/" + n + ".jpg" });
const sarah = new heygen.AvatarGroup("sarah", { name: "Sarah", firstLook: { type: "photo", name: "Sarah - headshot", image: photo("sarah") }, forceDestroy: !!k.forceDestroy });
const studio = new heygen.DigitalTwinLook("sarah-studio", { groupId: sarah.groupId, name: "Sarah - studio", footage: { url: "https://cdn.example.com/sarah-studio.mp4" } });
if (!k.noConsent) new heygen.ConsentRequest("sarah-studio-consent", { groupId: studio.groupId });
new heygen.PhotoLook("sarah-casual", { groupId: sarah.groupId, name: k.badName ? "sarah_casual" : "Sarah - casual", image: photo("casual") });
if (k.extraLook) new heygen.PhotoLook("sarah-beach", { groupId: sarah.groupId, name: "Sarah - beach", image: photo("beach") });
new heygen.PhotoLook("existing", { groupId: k.adopt.groupId, name: "Existing", image: photo("existing"), adoptLookId: k.adopt.lookId }, k.notRetained ? {} : { retainOnDelete: true });
`;
const RULES = ["heygen-twin-consent", "heygen-no-force-destroy", "heygen-adopt-retain", "heygen-name-pattern", "heygen-max-looks"] as const;

describe("policy pack: each team rule stops a real preview, a compliant estate passes (real engine, emulator)", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let p: CliProject;
    let adopt: { groupId: string; lookId: string };
    const timings: string[] = [];
    let runs = 0;
    let packSeen = 0;

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        // An avatar made outside the stack (the web app), for the program to adopt.
        const made = await raw(emu.url).post("/v3/avatars", { type: "photo", name: "Existing", file: { type: "url", url: "https://cdn.example.com/existing.jpg" } });
        adopt = { groupId: made.body.data.avatar_group.id, lookId: made.body.data.avatar_item.id };
        p = CliProject.create("policy", {
            "Pulumi.yaml": "name: heygen-policy\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
            "index.js": PROGRAM,
            "team-policy.json": JSON.stringify(TEAM_CONFIG, null, 2),
        }, { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url });
        await p.ok(["stack", "init", "prod"]);
        await p.ok(["stack", "init", "dev"]);
    });
    after(async () => {
        await emu?.stop();
        p?.remove();
        console.log(`      policy previews: ${timings.join(", ")}`);
    });

    async function preview(stack: string, knobs: Knobs, label: string): Promise<RunResult & { violated: string[] }> {
        fs.writeFileSync(path.join(p.dir, "knobs.json"), JSON.stringify({ ...knobs, adopt }));
        const t0 = Date.now();
        const marker = `policy-${process.pid}-${++runs}`;
        const run = startCommand("pulumi", ["preview", "-s", stack, "--policy-pack", PACK, "--policy-pack-config", "team-policy.json", "--non-interactive"],
            p.dir, { ...p.env, [MARKER_VAR]: marker });
        // Seen running under this preview: so the check below, that it is gone after, looks at the right process.
        const watch = setInterval(() => { if (markedProcesses(marker).some((x) => /run-policy-pack/.test(x.cmdline))) packSeen++; }, 250);
        const r = await run.done.finally(() => clearInterval(watch));
        timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
        // The policy pack's process (and the language host running it) ends with the preview.
        const left = await waitForNoMarkedProcesses(marker, 10_000);
        killMarkedProcesses(marker);
        assert.deepEqual(left.map((x) => x.cmdline), [], "no process of the preview is left 10 s after it ended");
        const out = r.stdout + r.stderr;
        return { ...r, violated: RULES.filter((rule) => new RegExp(`\\[mandatory\\]\\s+${rule}\\s`).test(out)) };
    }
    const show = (r: RunResult) => `exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`;

    it("a compliant estate passes every rule, all switched on and set (stack prod)", async () => {
        const r = await preview("prod", {}, "compliant");
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(r.violated, [], show(r));
        assert.match(r.stdout, /pulumi-heygen/, "the policy pack ran");
        assert.ok(packSeen > 0, "the policy pack's process (run-policy-pack) was seen under the preview");
    });

    const cases: [Knobs, (typeof RULES)[number], RegExp][] = [
        [{ noConsent: true }, "heygen-twin-consent", /DigitalTwinLook "sarah-studio" is a digital twin with no ConsentRequest .* Add `new heygen\.ConsentRequest\("sarah-studio-consent", \{ groupId: sarah-studio\.groupId/],
        [{ forceDestroy: true }, "heygen-no-force-destroy", /AvatarGroup "sarah" sets forceDestroy on stack "prod", where the team refuses it .* Remove `forceDestroy: true`/],
        [{ notRetained: true }, "heygen-adopt-retain", /PhotoLook "existing" adopts an existing look \S+ \(adoptLookId\) but does not set retainOnDelete.* Pass `\{ retainOnDelete: true \}` in its resource options/],
        [{ badName: true }, "heygen-name-pattern", /PhotoLook "sarah-casual": name "sarah_casual" does not follow the team's naming pattern .*Rename it in the program/],
        [{ extraLook: true }, "heygen-max-looks", /AvatarGroup "sarah" \("Sarah"\) has 4 looks in this stack, more than the team's limit of 3 .*Remove 1 of them/],
    ];
    for (const [knobs, rule, message] of cases) {
        it(`${rule} stops the preview with what to change`, async () => {
            const r = await preview("prod", knobs, rule);
            assert.notEqual(r.code, 0, show(r));
            assert.deepEqual(r.violated, [rule], `only ${rule} is violated\n${show(r)}`);
            assert.match(r.stdout.replace(/\s+/g, " "), message, show(r));
        });
    }

    it("heygen-no-force-destroy applies only to the stacks the team names: dev passes", async () => {
        const r = await preview("dev", { forceDestroy: true }, "forceDestroy on dev");
        assert.equal(r.code, 0, show(r));
        assert.deepEqual(r.violated, [], show(r));
    });
});
