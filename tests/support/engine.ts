// Drives the real Pulumi engine for tests: the CLI on a project directory, or the Automation API with an
// inline program. Every run gets the project's offline environment (scripts/engine-env.js) and a state
// directory of its own, so tests never share stacks. Tests run on the emulator, so their stacks may use the
// demo passphrase (`demo: true`).
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { engineEnv, repo } = require("../../scripts/engine-env") as {
    engineEnv(o?: { stateDir?: string; homeDir?: string; demo?: boolean }): Record<string, string>;
    repo: string;
};

export const REPO = repo;
/** Work directories live inside the repo so that programs and plugins resolve node_modules from it. */
export const WORK = path.join(repo, ".work");

export function workDir(name: string): string {
    const dir = path.join(WORK, `${name}-${process.pid}-${Date.now().toString(36)}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

export interface ProjectFiles {
    [relativePath: string]: string;
}

/** A Pulumi project on disk (`runtime: nodejs`) with its own state directory. */
export class CliProject {
    readonly env: Record<string, string>;
    /** `stateDir` defaults to `<dir>/.state`; give one to run a project directory (the repo itself) with state of its own. */
    constructor(readonly dir: string, extraEnv: Record<string, string> = {}, stateDir = path.join(dir, ".state")) {
        this.env = { ...engineEnv({ stateDir, homeDir: path.join(WORK, ".pulumi-home"), demo: true }), ...extraEnv };
    }

    static create(name: string, files: ProjectFiles, extraEnv: Record<string, string> = {}): CliProject {
        const dir = workDir(name);
        const all: ProjectFiles = {
            "Pulumi.yaml": `name: ${name}\nruntime: nodejs\nmain: index.ts\n`,
            "package.json": JSON.stringify({ name, private: true, main: "index.ts" }),
            ...files,
        };
        for (const [rel, text] of Object.entries(all)) {
            fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
            fs.writeFileSync(path.join(dir, rel), text);
        }
        return new CliProject(dir, extraEnv);
    }

    /** Runs `pulumi ARGS --non-interactive`; never throws, so tests can assert on failures. */
    run(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
        return runCommand("pulumi", [...args, "--non-interactive"], this.dir, { ...this.env, ...opts.env }, opts.timeoutMs);
    }

    async ok(args: string[], opts: { env?: Record<string, string> } = {}): Promise<RunResult> {
        const r = await this.run(args, opts);
        if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
        return r;
    }

    /** `pulumi preview --json`: the plan as the engine reports it. */
    async preview(extra: string[] = []): Promise<PreviewReport> {
        const r = await this.run(["preview", "--json", ...extra]);
        const report = parseJsonOutput(r) as PreviewReport;
        report.exitCode = r.code;
        return report;
    }

    /** `pulumi up|refresh|destroy --yes --json`: the engine's event stream, summarised. */
    async apply(cmd: "up" | "refresh" | "destroy", extra: string[] = []): Promise<EventReport> {
        const r = await this.run([cmd, "--yes", "--json", "--skip-preview", ...extra]);
        return summarizeEvents(r);
    }

    async exportState(): Promise<StackExport> {
        return JSON.parse((await this.ok(["stack", "export", "--show-secrets"])).stdout);
    }

    async exportStateRaw(): Promise<string> {
        return (await this.ok(["stack", "export"])).stdout;
    }

    async outputs(showSecrets = false): Promise<Record<string, unknown>> {
        return JSON.parse((await this.ok(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])])).stdout);
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

export interface RunResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

export interface PreviewReport {
    steps: { op: string; urn: string; diffReasons?: string[]; replaceReasons?: string[]; detailedDiff?: Record<string, { kind: string }> | null }[];
    changeSummary: Record<string, number>;
    diagnostics?: { message: string; severity: string; urn?: string }[];
    exitCode: number | null;
}

export interface EventReport {
    code: number | null;
    changes: Record<string, number>;
    result: string | undefined;
    diagnostics: { message: string; severity: string; urn?: string }[];
    events: any[];
    stdout: string;
    stderr: string;
}

export interface StackExport {
    deployment: { resources: { urn: string; type: string; id?: string; inputs?: any; outputs?: any; initErrors?: string[] }[] };
}

function parseJsonOutput(r: RunResult): unknown {
    try {
        return JSON.parse(r.stdout);
    } catch {
        throw new Error(`engine output is not JSON (exit ${r.code}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
    }
}

export function summarizeEvents(r: RunResult): EventReport {
    const events = r.stdout.split("\n").filter((l) => l.trim().startsWith("{")).map((l) => JSON.parse(l));
    const summary = events.find((e) => e.summaryEvent)?.summaryEvent;
    const diagnostics = events.filter((e) => e.diagnosticEvent).map((e) => ({
        message: e.diagnosticEvent.message as string, severity: e.diagnosticEvent.severity as string, urn: e.diagnosticEvent.urn as string | undefined,
    }));
    return { code: r.code, changes: summary?.resourceChanges ?? {}, result: summary?.result, diagnostics, events, stdout: r.stdout, stderr: r.stderr };
}

export function runCommand(cmd: string, args: string[], cwd: string, env: Record<string, string>, timeoutMs = 300_000): Promise<RunResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env } });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

/** An Automation API stack with an inline program, run by the engine's own CLI (PulumiCommand). */
export async function automationStack(projectName: string, stackName: string, program: PulumiFn, extraEnv: Record<string, string> = {}): Promise<{ stack: Stack; dir: string }> {
    const dir = workDir(projectName);
    const env = { ...engineEnv({ stateDir: path.join(dir, ".state"), homeDir: path.join(WORK, ".pulumi-home"), demo: true }), ...extraEnv };
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(env.PULUMI_HEYGEN_ENGINE_BIN) });
    const stack = await LocalWorkspace.createOrSelectStack(
        { projectName, stackName, program },
        { workDir: dir, envVars: env, pulumiCommand, projectSettings: { name: projectName, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } } },
    );
    return { stack, dir };
}

/** A port free on loopback now, for a server a test starts by port (the main job's emulator). */
export const freePort = () =>
    new Promise<number>((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
