// The real engine, offline: a minimal TypeScript program with one dynamic resource goes through
// stack init → preview → up → preview (no changes) → refresh → destroy, with the CLI (runtime: nodejs,
// through the language host) and with the Automation API. Assertions are on what the engine reports.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CliProject, WORK, automationStack, runCommand } from "../support/engine";

// The provider counts its own calls in a file, so the test sees what the engine really invoked.
const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";

const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs: any) {
        fs.appendFileSync(inputs.journal, "create\\n");
        return { id: "greeting-1", outs: { ...inputs, shout: String(inputs.message).toUpperCase() } };
    },
    async read(id: string, props: any) {
        fs.appendFileSync(props.journal, "read\\n");
        return { id, props };
    },
    async delete(_id: string, props: any) {
        fs.appendFileSync(props.journal, "delete\\n");
    },
};

class Greeting extends pulumi.dynamic.Resource {
    declare readonly shout: pulumi.Output<string>;
    constructor(name: string, args: { message: string; journal: string }) {
        super(provider, name, { ...args, shout: undefined }, undefined, "smoke", "Greeting");
    }
}

const g = new Greeting("hello", { message: "hello engine", journal: __dirname + "/journal.txt" });
export const shout = g.shout;
`;

describe("engine (real Pulumi CLI, offline)", function () {
    this.timeout(300_000);

    it("is the pinned or a user's pulumi >= 3.200 and prints its version", async () => {
        const p = CliProject.create("engine-version", {});
        try {
            const r = await runCommand("pulumi", ["version"], p.dir, p.env);
            assert.equal(r.code, 0, r.stderr);
            const [maj, min] = r.stdout.trim().replace(/^v/, "").split(".").map(Number);
            assert.ok(maj > 3 || (maj === 3 && min >= 200), r.stdout);
        } finally {
            p.remove();
        }
    });

    it("scripts/engine: a failed build names its step and leaves no engine behind", async () => {
        const fs = await import("fs");
        const os = await import("os");
        const path = await import("path");
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "engine-fail-"));
        try {
            // No modules cached and no proxy: module resolution fails at once.
            const r = await runCommand("bash", [path.join(__dirname, "..", "..", "scripts", "engine")], tmp, {
                PULUMI_HEYGEN_FORCE_BUILD: "1",
                PULUMI_HEYGEN_ENGINE_CACHE: path.join(tmp, "cache"),
                GOMODCACHE: path.join(tmp, "mod"),
                GOPROXY: "off",
                GOFLAGS: "-mod=mod",
            });
            assert.notEqual(r.code, 0);
            assert.match(r.stderr, /engine: FAILED at step "resolve modules \(go get\)"/);
            assert.deepEqual(fs.readdirSync(path.join(tmp, "cache")).filter((f) => !f.startsWith(".lock")), [], "no engine, no scratch left");
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("CLI: stack init → preview → up → preview → refresh → destroy", async () => {
        const p = CliProject.create("smoke-cli", { "index.ts": PROGRAM });
        const fs = await import("fs");
        const journal = () => (fs.existsSync(`${p.dir}/journal.txt`) ? fs.readFileSync(`${p.dir}/journal.txt`, "utf8").trim().split("\n") : []);
        try {
            await p.ok(["stack", "init", "dev"]);

            const plan = await p.preview();
            assert.equal(plan.exitCode, 0, JSON.stringify(plan.diagnostics));
            assert.deepEqual(plan.changeSummary, { create: 2 });
            assert.deepEqual(plan.steps.map((s) => s.op), ["create", "create"]);
            assert.ok(plan.steps.some((s) => s.urn.endsWith("pulumi-nodejs:dynamic/smoke:Greeting::hello")));
            assert.deepEqual(journal(), [], "preview must not create");

            const up = await p.apply("up");
            assert.equal(up.code, 0, up.stdout + up.stderr);
            assert.equal(up.result, "succeeded");
            assert.deepEqual(up.changes, { create: 2 });
            assert.deepEqual(await p.outputs(), { shout: "HELLO ENGINE" });
            assert.deepEqual(journal(), ["create"]);

            const again = await p.preview();
            assert.deepEqual(again.changeSummary, { same: 2 });

            const refresh = await p.apply("refresh");
            assert.equal(refresh.result, "succeeded");
            assert.deepEqual(journal(), ["create", "read"]);

            const state = await p.exportState();
            const res = state.deployment.resources.find((r) => r.type === "pulumi-nodejs:dynamic/smoke:Greeting")!;
            assert.equal(res.id, "greeting-1");
            assert.equal(res.outputs.shout, "HELLO ENGINE");
            assert.equal(typeof res.outputs.__provider, "string");

            const destroy = await p.apply("destroy");
            assert.equal(destroy.result, "succeeded");
            assert.deepEqual(destroy.changes, { delete: 2 });
            assert.deepEqual(journal(), ["create", "read", "delete"]);
        } finally {
            p.remove();
        }
    });

    it("Automation API: the same cycle with an inline program and the engine's PulumiCommand", async () => {
        const journalFile = `${WORK}/automation-journal-${process.pid}.txt`;
        const { stack, dir } = await automationStack("smoke-automation", "dev", async () => {
            const journal = journalFile;
            const provider: pulumi.dynamic.ResourceProvider = {
                async create(inputs: any) {
                    require("fs").appendFileSync(inputs.journal, "create\n");
                    return { id: "auto-1", outs: inputs };
                },
                async read(id: string, props: any) {
                    require("fs").appendFileSync(props.journal, "read\n");
                    return { id, props };
                },
                async delete(_id: string, props: any) {
                    require("fs").appendFileSync(props.journal, "delete\n");
                },
            };
            class Box extends pulumi.dynamic.Resource {
                constructor(name: string) {
                    super(provider, name, { size: 3, journal }, undefined, "smoke", "Box");
                }
            }
            const b = new Box("box");
            return { boxId: b.id };
        });
        const fs = await import("fs");
        const journal = () => (fs.existsSync(journalFile) ? fs.readFileSync(journalFile, "utf8").trim().split("\n") : []);
        try {
            const preview = await stack.preview();
            assert.deepEqual(preview.changeSummary, { create: 2 });
            assert.deepEqual(journal(), []);

            const up = await stack.up();
            assert.equal(up.summary.result, "succeeded");
            assert.deepEqual(up.summary.resourceChanges, { create: 2 });
            assert.equal(up.outputs.boxId.value, "auto-1");

            const noop = await stack.preview();
            assert.deepEqual(noop.changeSummary, { same: 2 });

            const refresh = await stack.refresh();
            assert.equal(refresh.summary.result, "succeeded");

            const exported = await stack.exportStack();
            const box = exported.deployment.resources.find((r: any) => r.type === "pulumi-nodejs:dynamic/smoke:Box");
            assert.equal(box.id, "auto-1");
            assert.equal(box.outputs.size, 3);

            const destroy = await stack.destroy();
            assert.deepEqual(destroy.summary.resourceChanges, { delete: 2 });
            assert.deepEqual(journal(), ["create", "read", "delete"]);
        } finally {
            await stack.workspace.removeStack("dev").catch(() => undefined);
            fs.rmSync(dir, { recursive: true, force: true });
            fs.rmSync(journalFile, { force: true });
        }
    });
});
