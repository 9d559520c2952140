// What the user sees through the real engine while the provider works: a look's training progress on the
// look's own row (its URN, also under a component and under another resource as parent), and the HTTP
// debug lines of HEYGEN_DEBUG=http in `up`'s output, never the key. Training takes 2 s here, so the suite
// takes seconds, not the minutes a real training would.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject } from "../support/engine";

/** A key that would stand out anywhere it leaked. */
const KEY = "sk-visibility-0f1e2d3c4b5a";

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";

class Character extends pulumi.ComponentResource {
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Character", name, {}, opts);
        const group = new heygen.AvatarGroup(name + "-group", {
            name: "Sarah",
            firstLook: { type: "photo", name: "Sarah - headshot", image: { url: "https://cdn.example.com/sarah.png" } },
            waitFor: "trained",
        }, { parent: this });
        // Parented to a custom resource inside the component: its URN carries both types.
        new heygen.PhotoLook(name + "-casual", { groupId: group.groupId, name: "Sarah - casual", image: { url: "https://cdn.example.com/casual.png" } }, { parent: group });
        this.registerOutputs({});
    }
}
const sarah = new Character("sarah");
const top = new heygen.AvatarGroup("marcus", {
    name: "Marcus",
    firstLook: { type: "photo", name: "Marcus - headshot", image: { url: "https://cdn.example.com/marcus.png" } },
});
new heygen.PhotoLook("marcus-casual", { groupId: top.groupId, name: "Marcus - casual", image: { url: "https://cdn.example.com/m.png" } });
`;

describe("visibility (real engine, emulator)", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let p: CliProject;

    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY], timing: { photo: { mode: "seconds", seconds: 2 } } });
        p = CliProject.create("visibility", { "index.ts": PROGRAM }, { HEYGEN_API_KEY: KEY, HEYGEN_API_BASE: emu.url });
        await p.ok(["stack", "init", "dev"]);
    });
    after(async () => {
        p?.remove();
        await emu?.stop();
    });

    it("up: each wait's progress is on its resource's row (its exact URN); HEYGEN_DEBUG=http shows every call, never the key", async () => {
        const eventLog = path.join(p.dir, "events.jsonl");
        // --event-log (a hidden flag, behind PULUMI_DEBUG_COMMANDS) keeps the ephemeral messages, which --json drops.
        const r = await p.run(["up", "--yes", "--skip-preview", "--event-log", eventLog], { env: { HEYGEN_DEBUG: "http", PULUMI_DEBUG_COMMANDS: "true" } });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const events = fs.readFileSync(eventLog, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
        const heygen = events.filter((e) => e.resourcePreEvent?.metadata.type.includes("heygen")).map((e) => e.resourcePreEvent.metadata.urn as string);
        assert.deepEqual(heygen.map((u) => u.split("::").pop()).sort(), ["marcus", "marcus-casual", "sarah-casual", "sarah-group"]);
        const diags = events.filter((e) => e.diagnosticEvent).map((e) => e.diagnosticEvent as { urn?: string; message: string; ephemeral?: boolean });
        for (const urn of heygen) {
            const mine = diags.filter((d) => d.urn === urn).map((d) => `${d.ephemeral ? "(ephemeral) " : ""}${d.message.trim()}`);
            const what = urn.endsWith("PhotoLook::" + urn.split("::").pop()) ? "training" : "first look training";
            assert.deepEqual(mine, [`(ephemeral) ${what}: processing, 0s of 15m00s`, `(ephemeral) ${what}: completed after ${mine[1]?.match(/after (\d+s)$/)?.[1]}`], urn);
        }
        // Every URN a message names is a resource's: a wrong one would add a row of its own to the display.
        const known = new Set(events.filter((e) => e.resourcePreEvent).map((e) => e.resourcePreEvent.metadata.urn));
        for (const d of diags) if (d.urn) assert.ok(known.has(d.urn), `a message for an unknown URN: ${d.urn}`);
        // The live display (non-interactive here) shows it on the look's row, next to its "creating".
        assert.match(r.stdout, /heygen:PhotoLook sarah-casual creating \(\d+s\) training: processing, 0s of 15m00s/);
        // The debug lines reach the user, on the stack's row and in the run's diagnostics.
        for (const call of [/GET \/v3\/users\/me → 200/, /POST \/v3\/avatars → 200, \d+ ms, request id req_\w+/, /GET \/v3\/avatars\/looks\/[0-9a-f]{32} → 200/]) {
            assert.match(r.stdout, new RegExp(`heygen http: ${call.source}`));
        }
        const calls = (r.stdout.match(/^\s+heygen http: .*$/gm) ?? []).length;
        assert.ok(calls >= 10, `the diagnostics list the calls (${calls})`);
        for (const text of [r.stdout, r.stderr, fs.readFileSync(eventLog, "utf8")]) assert.ok(!text.includes(KEY), "never the key");
    });

    it("without the switch, no HTTP lines", async () => {
        const r = await p.run(["destroy", "--yes", "--skip-preview"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.doesNotMatch(r.stdout + r.stderr, /heygen http:/);
        assert.ok(!(r.stdout + r.stderr).includes(KEY));
    });
});
