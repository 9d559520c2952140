// Issue 12 through the real engine: a `pulumi up` killed with SIGKILL while creates are in flight, then
// `pulumi cancel` and `up` again, ends with the declared estate and no duplicate, whether the emulator
// honours Idempotency-Key or ignores it; and destroying a group that holds looks made elsewhere fails,
// listing them, until the group says forceDestroy.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { type Emulator, startEmulator } from "../../emulator";
import { CliProject } from "../support/engine";
import { http as raw, media } from "../support/http";

const ESTATE = `
import * as pulumi from "@pulumi/pulumi";
import * as heygen from "pulumi-heygen";
const c = new pulumi.Config();
const g = new heygen.AvatarGroup("sarah", {
    name: "Sarah", ...(c.getBoolean("forceDestroy") ? { forceDestroy: true } : {}),
    firstLook: { type: "photo", name: "Sarah - headshot", image: { path: "media/sarah.png" } },
});
const looks = ["casual", "office", "beach"].map((n) =>
    new heygen.PhotoLook(n, { groupId: g.groupId, name: "Sarah - " + n, image: { url: "https://cdn.example.com/" + n + ".jpg" } }));
const dreamy = new heygen.PromptLook("dreamy", { groupId: g.groupId, name: "Sarah - dreamy", prompt: "Sarah in a meadow" });
export const groupId = g.groupId;
export const lookIds = [g.firstLookId, ...looks.map((l) => l.lookId), dreamy.lookId];
`;

describe("recovery (real engine, emulator)", function () {
    this.timeout(300_000);
    let emu: Emulator;
    let control: ReturnType<typeof raw>;
    const privateObjects = async () => {
        const s = (await control.get("/_emulator/state")).body;
        return { groups: s.groups.filter((g: any) => !g.public), looks: s.looks.filter((l: any) => !l.public) };
    };
    const project = (name: string) => {
        const p = CliProject.create(name, { "index.ts": ESTATE }, { HEYGEN_API_KEY: emu.apiKey, HEYGEN_API_BASE: emu.url });
        fs.mkdirSync(path.join(p.dir, "media"), { recursive: true });
        fs.writeFileSync(path.join(p.dir, "media", "sarah.png"), media.png(800, 800));
        return p;
    };
    /** Ends every process of a session (the engine's plugins get process groups of their own, not sessions). */
    const killSession = (sid: number) => {
        for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
            try {
                const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
                const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
                if (Number(fields[3]) === sid) process.kill(Number(pid), "SIGKILL");
            } catch { /* gone */ }
        }
    };
    const until = async (what: string, ok: () => Promise<boolean>, ms = 60_000) => {
        const end = Date.now() + ms;
        while (!(await ok())) {
            if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
            await new Promise((r) => setTimeout(r, 100));
        }
    };

    before(async () => {
        emu = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
        control = raw(emu.url);
    });
    after(() => emu.stop());

    for (const ignoreKeys of [false, true]) {
        it(`a killed up, then up again: the declared estate, no duplicate (emulator ${ignoreKeys ? "ignoring" : "honouring"} Idempotency-Key)`, async () => {
            await control.post("/_emulator/reset");
            await control.put("/_emulator/idempotency", { ignoreKeys });
            await control.put("/_emulator/timing", { photo: "instant", prompt: "instant", create_ms: 3000 });
            const p = project(`recovery-killed-${ignoreKeys ? "nokeys" : "keys"}`);
            let pgid: number | undefined; // the session id of the killed engine
            try {
                await p.ok(["stack", "init", "dev"]);
                // Its own session, so the test can end the strays the killed engine leaves behind.
                const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], { cwd: p.dir, env: { ...process.env, ...p.env }, detached: true, stdio: "ignore" });
                pgid = child.pid!;
                // Kill the engine while the four looks' creates are in flight (each takes 3 s).
                await until("the group", async () => (await privateObjects()).groups.length === 1);
                await new Promise((r) => setTimeout(r, 1500));
                process.kill(child.pid!, "SIGKILL");
                // HeyGen finishes what it was asked: the looks exist, and the state does not know them.
                await until("the looks", async () => (await privateObjects()).looks.length === 5, 30_000);
                killSession(pgid); // the language host and provider the killed engine left running
                pgid = undefined;
                const locked = await p.run(["up", "--yes", "--skip-preview"]);
                assert.notEqual(locked.code, 0);
                assert.match(locked.stdout + locked.stderr, /locked/);
                await p.ok(["cancel", "--yes"]);
                const killedState = (await p.exportState()) as any;
                assert.ok((killedState.deployment.pending_operations ?? []).length >= 1, "creates were in flight");

                await control.put("/_emulator/timing", { create_ms: 0 });
                const again = await p.apply("up");
                assert.equal(again.result, "succeeded", again.stdout.slice(-3000) + again.stderr.slice(-2000));
                const { groups, looks } = await privateObjects();
                assert.equal(groups.length, 1, "one group");
                assert.equal(looks.length, 5, "five looks: none made twice");
                const out = await p.outputs();
                assert.deepEqual([...(out.lookIds as string[])].sort(), looks.map((l: any) => l.id).sort(), "the stack records exactly what exists");
                assert.equal((await p.apply("destroy")).result, "succeeded");
                assert.deepEqual(await privateObjects(), { groups: [], looks: [] });
            } finally {
                if (pgid) killSession(pgid);
                await control.put("/_emulator/timing", { create_ms: 0 });
                p.remove();
            }
        });
    }

    it("destroying a group that holds a look made elsewhere fails and lists it, until forceDestroy", async () => {
        await control.post("/_emulator/reset");
        const p = project("recovery-destroy");
        try {
            await p.ok(["stack", "init", "dev"]);
            assert.equal((await p.apply("up")).result, "succeeded");
            const { groupId } = (await p.outputs()) as { groupId: string };
            const web = (await control.post("/v3/avatars", { type: "photo", name: "Made in the web app", avatar_group_id: groupId, file: { type: "url", url: "https://cdn.example.com/w.jpg" } })).body.data.avatar_item.id;
            const refused = await p.apply("destroy");
            assert.equal(refused.result, "failed");
            const messages = refused.diagnostics.map((d) => d.message).join("\n");
            assert.match(messages, new RegExp(`still holds 1 look this stack does not manage.*"Made in the web app" \\(${web}, photo_avatar\\)`));
            const { groups, looks } = await privateObjects();
            assert.equal(groups.length, 1, "the group is still there");
            assert.deepEqual(looks.map((l: any) => l.name).sort(), ["Made in the web app", "Sarah - headshot"], "the managed looks went first; the web app's stayed");
            // The user opts in: forceDestroy is applied in place, then destroy takes everything.
            await p.ok(["config", "set", "--type", "bool", "forceDestroy", "true"]);
            const up = await p.apply("up");
            assert.equal(up.result, "succeeded", up.stdout.slice(-3000));
            assert.equal(up.changes.replace ?? 0, 0, "forceDestroy replaces nothing");
            assert.equal((await p.apply("destroy")).result, "succeeded");
            assert.deepEqual(await privateObjects(), { groups: [], looks: [] });
        } finally {
            p.remove();
        }
    });
});
