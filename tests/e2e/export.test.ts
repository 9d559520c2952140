// The round trip of `pulumi-heygen export`, through the real engine: an account seeded through the
// emulator's HTTP API (tests/support/estate.ts: every look type, odd names, failed and training looks) is
// exported by the installed command, and the exported program, run as written, plans only adoptions, sends
// HeyGen no write at preview or up, and leaves nothing to do after.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, REPO, runCommand, workDir } from "../support/engine";
import { seedOddEstate, type SeededEstate } from "../support/estate";
import { http as raw } from "../support/http";

const KEY = "sk-export-e2e-51d2";
const BIN = path.join(REPO, "node_modules", ".bin", "pulumi-heygen");

describe("export: the round trip (real engine, emulator)", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let estate: SeededEstate;
    let root: string;
    const env = () => ({ HEYGEN_API_KEY: KEY, HEYGEN_API_BASE: emu.url });
    const writes = async (base: string) => ((await raw(base).get("/_emulator/requests")).body.data as any[]).filter((r) => r.method !== "GET");

    before(async () => {
        emu = await startEmulator({ apiKeys: [KEY], timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        estate = await seedOddEstate(emu.url, KEY);
        root = workDir("export-round-trip");
    });
    after(async () => {
        await emu.stop();
        fs.rmSync(root, { recursive: true, force: true });
    });

    it("export, then preview plans only adoptions, up writes nothing to HeyGen, and the next preview is empty", async () => {
        const out = path.join(root, "program");
        const started = Date.now();
        const snapshot = path.join(root, "account.json");
        const exported = await runCommand(BIN, ["export", "--out", out, "--snapshot", snapshot], root, env(), 60_000);
        assert.equal(exported.code, 0, exported.stderr);
        console.log(`      export: ${Date.now() - started} ms (the command, node's start included)`);

        const adopted = estate.looks.filter((l) => l.status !== "failed");
        const groups = estate.groups.filter((g) => estate.looks.find((l) => l.id === g.firstLookId)!.status !== "failed");
        const resources = adopted.length; // each group with its first look is one resource; the broken group's first look is left out
        assert.equal(groups.length, estate.groups.length - 1);

        const p = new CliProject(out, env());
        await p.ok(["stack", "init", "dev"]);
        await raw(emu.url).del("/_emulator/requests");
        const plan = await p.run(["preview", "--json"]);
        assert.equal(plan.code, 0, plan.stdout.slice(-4000) + plan.stderr.slice(-2000));
        const report = JSON.parse(plan.stdout);
        assert.deepEqual(report.changeSummary, { create: resources + 1 }, "the stack and one resource per adopted object");
        const creates = report.steps.filter((s: any) => s.newState?.type?.startsWith("pulumi-nodejs:dynamic/heygen:"));
        assert.equal(creates.length, resources);
        for (const s of creates) {
            assert.equal(s.op, "create");
            const inputs = s.newState.inputs;
            assert.ok(inputs.adoptGroupId || inputs.adoptLookId, `${s.urn} adopts`);
            for (const source of ["image", "footage", "prompt"]) assert.equal((inputs.firstLook ?? inputs)[source], undefined, `${s.urn} declares no ${source}`);
        }
        assert.deepEqual(await writes(emu.url), [], "preview sends no POST, PATCH or DELETE");

        const up = await p.apply("up");
        assert.equal(up.result, "succeeded", up.stdout.slice(-4000));
        assert.deepEqual(await writes(emu.url), [], "up sends no POST, PATCH or DELETE");
        const state = (await p.exportState()).deployment.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/heygen:"));
        assert.deepEqual(state.filter((r) => r.type.endsWith(":AvatarGroup")).map((r) => r.id).sort(), groups.map((g) => g.id).sort());
        const firstIds = new Set(estate.groups.map((g) => g.firstLookId));
        assert.deepEqual(state.filter((r) => !r.type.endsWith(":AvatarGroup")).map((r) => r.id).sort(), adopted.filter((l) => !firstIds.has(l.id)).map((l) => l.id).sort());
        for (const r of state) assert.equal((r as any).retainOnDelete, true, `${r.urn} is kept on destroy`);

        const again = await p.preview();
        assert.equal(again.exitCode, 0);
        assert.deepEqual(again.changeSummary, { same: resources + 1 }, "the next preview shows no change");
        assert.ok(!fs.readFileSync(path.join(out, "index.ts"), "utf8").includes(KEY));

        // The snapshot seeds a second emulator (no key, no consent link in it); the program previews clean there too.
        const text = fs.readFileSync(snapshot, "utf8");
        assert.ok(!text.includes(KEY) && !text.includes("/consent/") && !text.includes(emu.url), "no key, consent link or URL of the account");
        const copy = await startEmulator({ apiKeys: [KEY], seed: snapshot });
        try {
            const elsewhere = new CliProject(out, { HEYGEN_API_KEY: KEY, HEYGEN_API_BASE: copy.url }, path.join(root, "state-copy"));
            await elsewhere.ok(["stack", "init", "copy"]);
            const there = await elsewhere.run(["preview", "--json"]);
            assert.equal(there.code, 0, there.stdout.slice(-4000) + there.stderr.slice(-2000));
            const r = JSON.parse(there.stdout);
            assert.deepEqual(r.changeSummary, { create: resources + 1 });
            assert.ok(r.steps.filter((s: any) => s.newState?.type?.startsWith("pulumi-nodejs:dynamic/heygen:")).every((s: any) => s.newState.inputs.adoptGroupId || s.newState.inputs.adoptLookId));
            assert.deepEqual(await writes(copy.url), [], "no write to the copy");
            const ids = (base: string) => raw(base, KEY).get("/v3/avatars/looks?ownership=private&limit=50").then((x) => x.body.data.map((l: any) => [l.id, l.name, l.group_id, l.avatar_type]).sort());
            assert.deepEqual(await ids(copy.url), await ids(emu.url), "same ids, names, groups and types");
        } finally {
            await copy.stop();
        }
    });
});
