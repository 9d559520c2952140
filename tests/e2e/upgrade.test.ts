// State written by pulumi-heygen 0.1.0 keeps working with this version: the stored provider objects load,
// the same declaration plans no change, `up` sends HeyGen nothing that writes, and `destroy` cleans up.
// The fixture (tests/fixtures/state-0.1.0) is the main job's estate as 0.1.0 left it: `pulumi stack export`
// after `npm start`, the emulator's data file from that run, and the stack config of that day.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, REPO, freePort, workDir } from "../support/engine";
import { http as raw } from "../support/http";

const FIXTURE = path.join(REPO, "tests", "fixtures", "state-0.1.0");
/** The emulator port and the stack passphrase of the run that wrote the fixture. */
const FIXTURE_ORIGIN = "127.0.0.1:4399";
const FIXTURE_PASSPHRASE = "pulumi-heygen-local";
const WRITES = new Set(["POST", "PATCH", "PUT", "DELETE"]);

describe("upgrade from 0.1.0 state", function () {
    this.timeout(600_000);
    let emu: Emulator;
    let project: CliProject;
    let dir: string;
    let committedStackFile: string | undefined;

    before(async () => {
        dir = workDir("upgrade-0.1.0");
        const port = await freePort();
        const moved = (file: string) => fs.readFileSync(path.join(FIXTURE, file), "utf8").split(FIXTURE_ORIGIN).join(`127.0.0.1:${port}`);
        fs.mkdirSync(path.join(dir, "emulator"));
        fs.writeFileSync(path.join(dir, "emulator", "state.json"), moved("emulator-state.json"));
        fs.writeFileSync(path.join(dir, "stack.json"), moved("stack.json"));
        emu = await startEmulator({ port, dataDir: path.join(dir, "emulator") });
        // The repository is the project (the estate program and its media files); the state is this test's own.
        // `stack init` in the repository adds an encryptionsalt to the tracked Pulumi.dev.yaml (none is committed).
        committedStackFile = fs.readFileSync(path.join(REPO, "Pulumi.dev.yaml"), "utf8");
        project = new CliProject(REPO, { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url, PULUMI_CONFIG_PASSPHRASE: FIXTURE_PASSPHRASE }, path.join(dir, "state"));
        await project.ok(["stack", "init", "dev"]);
        await project.ok(["stack", "import", "--file", path.join(dir, "stack.json")]);
    });

    after(async () => {
        if (committedStackFile !== undefined) fs.writeFileSync(path.join(REPO, "Pulumi.dev.yaml"), committedStackFile);
        await emu?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const config = () => ["--config-file", path.join(FIXTURE, "Pulumi.dev.yaml")];
    const writes = (since: number) => emu.requests.filter((r) => r.seq > since && r.path.startsWith("/v3") && WRITES.has(r.method));
    const lastSeq = () => emu.requests.at(-1)?.seq ?? 0;

    it("refreshes without losing a resource", async () => {
        const r = await project.apply("refresh", config());
        assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-3000));
        assert.deepEqual(r.changes.delete ?? 0, 0);
        const heygen = (resources: { type: string; id?: string }[]) => resources.filter((x) => x.type.startsWith("pulumi-nodejs:dynamic/heygen:")).map((x) => x.id).sort();
        const written = JSON.parse(fs.readFileSync(path.join(dir, "stack.json"), "utf8"));
        assert.equal(heygen(written.deployment.resources).length, 6);
        assert.deepEqual(heygen((await project.exportState()).deployment.resources), heygen(written.deployment.resources));
    });

    it("previews no change for the same declaration, and `up` writes nothing to HeyGen", async () => {
        const plan = await project.preview(config());
        assert.equal(plan.exitCode, 0, JSON.stringify(plan.diagnostics));
        const changed = plan.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn.split("::").pop()} ${JSON.stringify(s.diffReasons ?? [])}`);
        assert.deepEqual(changed, []);

        const before = lastSeq();
        const r = await project.apply("up", config());
        assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-3000));
        assert.deepEqual(Object.keys(r.changes).filter((k) => k !== "same"), []);
        assert.deepEqual(writes(before).map((w) => `${w.method} ${w.path}`), []);
    });

    it("destroys what 0.1.0 created and nothing else", async () => {
        const r = await project.apply("destroy", config());
        assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr.slice(-3000));
        const state = (await raw(emu.url).get("/_emulator/state")).body as { groups: { public: boolean }[]; looks: { public: boolean }[] };
        assert.equal(state.groups.filter((g) => !g.public).length, 0);
        assert.equal(state.looks.filter((l) => !l.public).length, 0);
        assert.ok(state.groups.some((g) => g.public), "public groups are the emulator's own and stay");
    });
});
