// The main job (`npm start`) and every example, run as a user runs them, through the real engine against
// the emulator.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject, REPO, freePort, runCommand, workDir } from "../support/engine";
import { http as raw } from "../support/http";

/** A copy of an example in its own directory, so its state and files are its own. */
function exampleProject(name: string, emu: Emulator): CliProject {
    const dir = workDir(`example-${name}`);
    fs.cpSync(path.join(REPO, "examples", name), dir, { recursive: true });
    return new CliProject(dir, { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url });
}

describe("the main job and the examples", function () {
    this.timeout(600_000);

    describe("npm start", () => {
        it("previews and applies the estate on the emulator, then shows no changes the second time", async () => {
            const dir = workDir("main-job");
            const port = await freePort();
            const env = {
                PULUMI_HEYGEN_STATE_DIR: path.join(dir, "state"),
                HEYGEN_EMULATOR_DATA: path.join(dir, "emulator"),
                HEYGEN_API_KEY: "",
                HEYGEN_API_BASE: "",
            };
            const start = (...args: string[]) => runCommand(process.execPath, [path.join(REPO, "scripts", "start.js"), "--emulator-port", String(port), ...args], REPO, env);
            // The first run adds an encryptionsalt to the tracked Pulumi.dev.yaml (none is committed): put it back.
            const stackFile = path.join(REPO, "Pulumi.dev.yaml");
            const committed = fs.readFileSync(stackFile, "utf8");
            let emu: Emulator | undefined;
            try {
                const first = await start();
                assert.equal(first.code, 0, first.stdout.slice(-4000) + first.stderr.slice(-2000));
                assert.match(first.stdout, /HeyGen emulator \(no key configured/);
                assert.match(first.stdout, /Previewing update \(dev\)/);
                assert.match(first.stdout, /\+ 7 to create/);
                assert.match(first.stdout, /\+ 7 created/);
                assert.match(first.stdout, /Sarah - headshot\s+\(first look\)\s+look id [0-9a-f]{32}/);
                assert.match(first.stdout, new RegExp(`Sarah\\s+http://127\\.0\\.0\\.1:${port}/consent/`));
                assert.match(first.stdout, /keeps running at/);

                const second = await start("--stop-emulator");
                assert.equal(second.code, 0, second.stdout.slice(-4000));
                assert.match(second.stdout, /already running/);
                assert.match(second.stdout, /7 unchanged/);
                assert.doesNotMatch(second.stdout, /to create|to update|to replace/);
                assert.match(second.stdout, /The emulator was stopped/);
                await assert.rejects(fetch(`http://127.0.0.1:${port}/_emulator/health`));

                // The emulator's data dir kept the estate: start it again there and destroy the stack.
                emu = await startEmulator({ port, dataDir: env.HEYGEN_EMULATOR_DATA });
                const p = new CliProject(REPO, { PULUMI_BACKEND_URL: `file://${env.PULUMI_HEYGEN_STATE_DIR}`, HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url });
                const destroy = await p.apply("destroy", ["--stack", "dev"]);
                assert.equal(destroy.result, "succeeded", destroy.stdout.slice(-3000));
                assert.deepEqual(destroy.changes, { delete: 7 }, "six resources and the stack");
            } finally {
                await emu?.stop();
                await runCommand(process.execPath, [path.join(REPO, "scripts", "start.js"), "--stop-only"], REPO, env);
                fs.rmSync(dir, { recursive: true, force: true });
                fs.writeFileSync(stackFile, committed);
            }
        });
    });

    describe("examples", () => {
        let emu: Emulator;
        let control: ReturnType<typeof raw>;
        before(async () => {
            emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
            control = raw(emu.url);
        });
        after(() => emu.stop());
        beforeEach(() => control.post("/_emulator/reset"));
        const privateGroups = async () => (await control.get("/v3/avatars?ownership=private")).body.data as { id: string; name: string }[];

        it("digital-twin: a twin waits for consent, the page approves it, refresh shows it", async () => {
            const p = exampleProject("digital-twin", emu);
            try {
                await p.ok(["stack", "init", "dev"]);
                const up = await p.apply("up");
                assert.equal(up.result, "succeeded", up.stdout.slice(-3000));
                const out = await p.outputs(true);
                assert.equal(out.status, "pending_consent");
                await fetch(out.consentUrl as string, { method: "POST", body: new URLSearchParams({ decision: "approve" }), redirect: "manual" });
                await p.apply("refresh");
                const up2 = await p.apply("up");
                assert.equal(up2.result, "succeeded");
                const after = await p.outputs();
                assert.equal(after.consentStatus, "approved");
                assert.equal(after.status, "completed");
                assert.equal((await p.apply("destroy")).result, "succeeded");
                assert.deepEqual(await privateGroups(), []);
            } finally {
                p.remove();
            }
        });

        it("environments: dev and prod stacks from one program live side by side", async () => {
            const p = exampleProject("environments", emu);
            try {
                await p.ok(["stack", "init", "dev"]);
                assert.equal((await p.apply("up")).result, "succeeded");
                await p.ok(["stack", "init", "prod"]);
                const prod = await p.apply("up");
                assert.equal(prod.result, "succeeded", prod.stdout.slice(-3000));
                assert.deepEqual(Object.keys((await p.outputs()).looks as object).sort(), ["Marcus - headshot", "Sarah - casual", "Sarah - headshot", "Sarah - keynote"]);
                assert.deepEqual((await privateGroups()).map((g) => g.name).sort(), ["Marcus (prod)", "Sarah (dev)", "Sarah (prod)"]);
                assert.equal((await p.apply("destroy")).result, "succeeded");
                await p.ok(["stack", "select", "dev"]);
                assert.equal((await p.apply("destroy")).result, "succeeded");
                assert.deepEqual(await privateGroups(), []);
            } finally {
                p.remove();
            }
        });

        it("adopt: existing avatars come under management without a create, and stay on destroy", async () => {
            const made = (await control.post("/v3/avatars", { type: "photo", name: "Veteran", file: { type: "url", url: "https://cdn.example.com/v.jpg" } })).body.data;
            const extra = (await control.post("/v3/avatars", { type: "photo", name: "Old name", avatar_group_id: made.avatar_group.id, file: { type: "url", url: "https://cdn.example.com/o.jpg" } })).body.data;
            const p = exampleProject("adopt", emu);
            try {
                await p.ok(["stack", "init", "dev"]);
                const listed = await p.apply("up");
                assert.equal(listed.result, "succeeded", listed.stdout.slice(-3000));
                const existing = (await p.outputs()).existingLooks as string[];
                assert.ok(existing.some((l) => l.startsWith(extra.avatar_item.id)), existing.join("\n"));

                for (const [k, v] of [["groupId", made.avatar_group.id], ["groupName", "Veteran"], ["lookId", extra.avatar_item.id], ["lookName", "Veteran - adopted"]]) {
                    await p.ok(["config", "set", k, v]);
                }
                // Adoption changes nothing, so a declaration that differs fails at preview, naming what to set.
                const mismatch = await p.preview();
                assert.notEqual(mismatch.exitCode, 0);
                assert.match(JSON.stringify(mismatch.diagnostics), /is named \\"Old name\\": declare that name to adopt it as it is/);
                await p.ok(["config", "set", "lookName", "Old name"]);
                await control.del("/_emulator/requests");
                const up = await p.apply("up");
                assert.equal(up.result, "succeeded", up.stdout.slice(-3000));
                assert.deepEqual(up.changes, { create: 2, same: 1 });
                const log = (await control.get("/_emulator/requests")).body.data as { method: string; path: string }[];
                assert.ok(!log.some((e) => ["POST", "PATCH", "DELETE"].includes(e.method)), "nothing created or changed");
                // Then a rename is an update, shown as such.
                await p.ok(["config", "set", "lookName", "Veteran - adopted"]);
                assert.deepEqual((await p.preview()).changeSummary, { same: 2, update: 1 });
                assert.deepEqual((await p.apply("up")).changes, { same: 2, update: 1 });
                assert.equal((await control.get(`/v3/avatars/looks/${extra.avatar_item.id}`)).body.data.name, "Veteran - adopted");

                assert.equal((await p.apply("destroy")).result, "succeeded");
                assert.deepEqual((await privateGroups()).map((g) => g.id), [made.avatar_group.id], "retainOnDelete kept it");
            } finally {
                p.remove();
            }
        });
    });
});
