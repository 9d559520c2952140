// scripts/langhost/langhost.js over its own gRPC service, as the engine drives it: `Run` starts the
// program; `Cancel` (the engine's answer to Ctrl-C) must stop it with SIGINT, and with SIGKILL when it
// ignores SIGINT; SIGTERM to the language host must not leave the program behind. The "program" is
// `node -e <code>` (the runtime option `nodeargs`), so no engine or resource monitor is needed.
import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { REPO } from "../support/engine";
import { MARKER_VAR, markedProcesses } from "../support/processes";

const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
/* eslint-disable @typescript-eslint/no-var-requires */
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [sdk] })) as typeof import("@grpc/grpc-js");
const langproto = require(path.join(sdk, "proto", "language_pb.js"));
const langrpc = require(path.join(sdk, "proto", "language_grpc_pb.js"));
const emptyproto = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [sdk] }));
const structproto = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [sdk] }));
/* eslint-enable @typescript-eslint/no-var-requires */

const LANGHOST = path.join(REPO, "scripts", "langhost", "langhost.js");

interface Host {
    proc: ChildProcess;
    client: any;
    marker: string;
    engine: import("@grpc/grpc-js").Server;
}

let n = 0;
async function startHost(): Promise<Host> {
    // A stand-in engine that is alive (it answers, if only UNIMPLEMENTED), so the health check keeps quiet.
    const engine = new grpc.Server();
    const enginePort = await new Promise<number>((resolve, reject) =>
        engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    const marker = `langhost-test-${process.pid}-${++n}`;
    const proc = spawn(process.execPath, [LANGHOST, `127.0.0.1:${enginePort}`], {
        cwd: REPO, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, [MARKER_VAR]: marker },
    });
    const port = await new Promise<string>((resolve, reject) => {
        proc.stdout!.once("data", (d) => resolve(String(d).trim()));
        proc.once("exit", (code) => reject(new Error(`langhost exited ${code}`)));
    });
    const client = new langrpc.LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return { proc, client, marker, engine };
}

/** Runs `node -e <code>` as the program; resolves with the RunResponse once the program ended. */
function run(host: Host, code: string): Promise<any> {
    const info = new langproto.ProgramInfo();
    info.setRootDirectory(REPO);
    info.setProgramDirectory(REPO);
    info.setEntryPoint(".");
    info.setOptions(structproto.Struct.fromJavaScript({ nodeargs: `-e ${code}` }));
    const req = new langproto.RunRequest();
    req.setProject("p");
    req.setStack("s");
    req.setPwd(REPO);
    req.setMonitorAddress("127.0.0.1:1");
    req.setInfo(info);
    return new Promise((resolve, reject) => host.client.run(req, (err: Error | null, resp: any) => (err ? reject(err) : resolve(resp))));
}

const cancel = (host: Host) => new Promise<void>((resolve, reject) =>
    host.client.cancel(new emptyproto.Empty(), (err: Error | null) => (err ? reject(err) : resolve())));

const programs = (host: Host) => markedProcesses(host.marker).filter((p) => p.pid !== host.proc.pid);

async function until(what: string, f: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!f()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

function stop(host: Host) {
    for (const p of markedProcesses(host.marker)) {
        try { process.kill(p.pid, "SIGKILL"); } catch { /* gone */ }
    }
    host.client.close();
    host.engine.forceShutdown();
}

describe("langhost.js: Cancel and its own end stop the program", function () {
    this.timeout(30_000);

    it("Cancel sends the program SIGINT: it ends at once and Run reports the signal", async () => {
        const host = await startHost();
        try {
            const done = run(host, "setInterval(()=>{},1e3)");
            await until("the program to start", () => programs(host).length === 1, 10_000);
            const t0 = Date.now();
            await cancel(host);
            const resp = await done;
            assert.match(resp.getError(), /Program exited on signal SIGINT/);
            assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
            assert.deepEqual(programs(host), []);
        } finally {
            stop(host);
        }
    });

    it("a program that ignores SIGINT is killed after the 5 s grace period", async () => {
        const host = await startHost();
        try {
            // The program's stdout is the language host's: "ready" says its SIGINT handler is installed.
            let out = "";
            host.proc.stdout!.on("data", (d) => (out += d));
            const done = run(host, "process.on('SIGINT',()=>{});console.log('ready');setInterval(()=>{},1e3)");
            await until("the program to start", () => out.includes("ready"), 10_000);
            const t0 = Date.now();
            await cancel(host);
            const resp = await done;
            const ms = Date.now() - t0;
            assert.match(resp.getError(), /Program exited on signal SIGKILL/);
            assert.ok(ms >= 4500 && ms < 8000, `killed after ${ms} ms`);
        } finally {
            stop(host);
        }
    });

    it("SIGTERM to the language host stops the program before it exits", async () => {
        const host = await startHost();
        try {
            void run(host, "setInterval(()=>{},1e3)").catch(() => undefined);
            await until("the program to start", () => programs(host).length === 1, 10_000);
            const exited = new Promise((r) => host.proc.once("exit", r));
            host.proc.kill("SIGTERM");
            await exited;
            await until("the program to end", () => programs(host).length === 0, 3000);
        } finally {
            stop(host);
        }
    });
});
