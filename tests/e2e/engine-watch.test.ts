// scripts/langhost/engine-watch.js, preloaded into an idle Node process as the dynamic-provider launcher
// does: it must exit when its engine is gone (its stdin pipe closed, or nothing listening at the engine
// address), and must not when the engine is there but merely answers "unimplemented".
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { REPO } from "../support/engine";

// The SDK's own gRPC library, as the language host and the provider use it.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))] })) as typeof import("@grpc/grpc-js");

const WATCH = path.join(REPO, "scripts", "langhost", "engine-watch.js");

function idleScript(): string {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "engine-watch-")), "idle.js");
    fs.writeFileSync(f, "setInterval(() => undefined, 1000);\n");
    return f;
}

/** An address nothing listens on: a port the kernel gave us, closed again. */
async function deadAddress(): Promise<string> {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    return `127.0.0.1:${port}`;
}

/**
 * stdin "pipe": a real pipe (as the engine gives its plugins) whose writer, `sleep`, ends after
 * pipeOpenSeconds, like an engine that dies. (Node's own "pipe" would be a socket pair.)
 */
function start(address: string, stdin: "pipe" | "ignore", pipeOpenSeconds = 1) {
    const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const child = stdin === "pipe"
        ? spawn("sh", ["-c", `sleep ${pipeOpenSeconds} | exec ${q(process.execPath)} -r ${q(WATCH)} ${q(idleScript())} ${q(address)}`], { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] })
        : spawn(process.execPath, ["-r", WATCH, idleScript(), address], { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const t0 = Date.now();
    const exited = new Promise<{ code: number | null; ms: number; stderr: string }>((resolve) =>
        child.on("exit", (code) => resolve({ code, ms: Date.now() - t0, stderr })));
    return { child, exited };
}

const within = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms))]);

describe("engine-watch (a plugin ends with its engine)", function () {
    this.timeout(30_000);

    it("exits at once when the engine's stdin pipe closes", async () => {
        // The pipe closes after 1 s; the message tells which signal ended it (the health check would too, later).
        const { child, exited } = start(await deadAddress(), "pipe", 1);
        const r = await within(exited, 8000);
        if (r === "timeout") child.kill("SIGKILL");
        assert.notEqual(r, "timeout", "still running 7 s after its stdin closed");
        if (r !== "timeout") {
            assert.equal(r.code, 1);
            assert.match(r.stderr, /exiting: the engine closed our stdin/);
        }
    });

    it("without a stdin pipe, exits when nothing listens at the engine address (two failed health checks)", async () => {
        const { child, exited } = start(await deadAddress(), "ignore");
        const r = await within(exited, 8000);
        if (r === "timeout") child.kill("SIGKILL");
        assert.notEqual(r, "timeout", "still running 8 s after its engine address went dead");
        if (r !== "timeout") {
            assert.equal(r.code, 1);
            assert.match(r.stderr, /is unreachable/);
        }
    });

    it("stays while the engine answers, even UNIMPLEMENTED for the health service", async () => {
        const server = new grpc.Server();
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
        const { child, exited } = start(`127.0.0.1:${port}`, "ignore");
        try {
            const r = await within(exited, 5000); // two health-check rounds and more
            assert.equal(r, "timeout", `exited although its engine answers: ${r !== "timeout" ? r.stderr : ""}`);
        } finally {
            child.kill("SIGKILL");
            server.forceShutdown();
        }
    });
});
