// `npm run bench`: what preview, up, refresh, rename and destroy cost as an estate grows, for this
// provider, a floor run in the same process (trivial resources, one HTTP call each) and a naive
// tutorial-style provider, against the emulator with a per-request latency and instant training.
// Writes bench/results/latest.json and latest.md. A benchmark, not a test: it asserts nothing.
// Then the upload case (bench/upload.ts): local footage through the provider against `curl -T`.
//
//   BENCH_SIZES=10,100,300  BENCH_REPS=3  BENCH_LATENCY_MS=50  npm run bench
//   npm run bench -- --only upload      (just the upload case; its section of latest.* is replaced)
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { type Emulator, startEmulator } from "../emulator";
import { FloorLook } from "./floor";
import { NaiveLook } from "./naive";
import { type UploadRow, uploadCase, uploadMarkdown } from "./upload";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { engineEnv, repo } = require("../scripts/engine-env");

// Our provider as users get it: the installed package (inside this repo the bare name is the checkout).
const heygen: typeof import("../provider") = require(path.join(repo, "node_modules", "pulumi-heygen"));

const SIZES = (process.env.BENCH_SIZES ?? "10,100,300").split(",").map(Number);
const REPS = Number(process.env.BENCH_REPS ?? 3);
// Larger estates take longer per run; by default they get fewer repetitions (at least one).
const repsFor = (n: number) => (process.env.BENCH_REPS ? REPS : n >= 300 ? 1 : REPS);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const OPS = ["preview (empty)", "up", "preview (no-op)", "refresh", "rename all", "destroy"] as const;
type Op = (typeof OPS)[number];
const VARIANTS = ["pulumi-heygen", "floor", "naive"] as const;
type Variant = (typeof VARIANTS)[number];

interface Sample {
    ms: number;
    requests: Record<string, number>;
    providerPeakMb: number;
    /** CPU of the provider process, and of this process: with inline programs, the program runs here. */
    providerCpuMs: number;
    programCpuMs: number;
}

const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const UPLOAD_SIZES_MB = (process.env.BENCH_UPLOAD_SIZES_MB ?? "100,1024").split(",").map(Number);
const UPLOAD_REPS = Number(process.env.BENCH_UPLOAD_REPS ?? 3);

const work = path.join(repo, ".work", `bench-${process.pid}`);
const memDir = path.join(work, "mem");

function program(variant: Variant, n: number, groupId: string, suffix: string, conn: { baseUrl: string; apiKey: string }) {
    return async () => {
        for (let i = 0; i < n; i++) {
            const name = `look ${i}${suffix}`;
            const url = `https://cdn.example.com/bench/${i}.jpg`;
            if (variant === "pulumi-heygen") new heygen.PhotoLook(`look-${i}`, { groupId, name, image: { url }, waitFor: "created" });
            else if (variant === "floor") new FloorLook(`look-${i}`, { groupId, name, url });
            else new NaiveLook(`look-${i}`, { groupId, name, url }, conn);
        }
    };
}

/** `--only upload`: the upload case alone, written into latest.* beside the last full run's tables. */
async function uploadOnly() {
    fs.mkdirSync(memDir, { recursive: true });
    const emu: Emulator = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
    try {
        const upload = await runUpload(emu);
        const file = path.join(__dirname, "results", "latest.json");
        const result = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : { rows: [] };
        result.upload = upload;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
        fs.writeFileSync(path.join(__dirname, "results", "latest.md"), result.date ? markdown(result) : uploadMarkdown(upload).join("\n"));
        console.log(`\nwrote the upload section of bench/results/latest.md and latest.json`);
    } finally {
        await emu.stop();
        fs.rmSync(work, { recursive: true, force: true });
    }
}

async function runUpload(emu: Emulator): Promise<{ date: string; rows: UploadRow[] }> {
    const env = {
        ...engineEnv({ stateDir: path.join(work, "state"), homeDir: path.join(repo, ".work", ".pulumi-home") }),
        HEYGEN_API_KEY: emu.apiKey,
        HEYGEN_API_BASE: emu.url,
        BENCH_MEM_DIR: memDir,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "memprobe.js")}`.trim(),
    };
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(env.PULUMI_HEYGEN_ENGINE_BIN) });
    return { date: new Date().toISOString(), rows: await uploadCase({ emu, work, memDir, env, pulumiCommand, heygen }, UPLOAD_SIZES_MB, UPLOAD_REPS) };
}

async function main() {
    if (ONLY === "upload") return uploadOnly();
    if (ONLY !== undefined) throw new Error(`--only takes 'upload' (the other cases run together), not '${ONLY}'`);
    const started = performance.now();
    fs.mkdirSync(memDir, { recursive: true });
    const emu: Emulator = await startEmulator({ timing: { photo: { mode: "instant" }, prompt: { mode: "instant" }, digital_twin: { mode: "instant" } } });
    const api = (p: string, init?: RequestInit) => fetch(emu.url + p, { ...init, headers: { "X-Api-Key": emu.apiKey, "Content-Type": "application/json", ...init?.headers } }).then((r) => r.json() as any);
    if (LATENCY_MS > 0) await api("/_emulator/faults", { method: "POST", body: JSON.stringify({ path: "/v3", action: "latency", latencyMs: LATENCY_MS }) });

    const env = {
        ...engineEnv({ stateDir: path.join(work, "state"), homeDir: path.join(repo, ".work", ".pulumi-home"), demo: true }),
        HEYGEN_API_KEY: emu.apiKey,
        HEYGEN_API_BASE: emu.url,
        BENCH_MEM_DIR: memDir,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "memprobe.js")}`.trim(),
    };
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(env.PULUMI_HEYGEN_ENGINE_BIN) });

    const samples: Record<string, Sample[]> = {};
    const sizes: Record<string, { stateBytes: number[]; providerBytes: number[]; keyInState: boolean[] }> = {};
    const key = (v: Variant, n: number, op: Op) => `${v}|${n}|${op}`;

    async function measure(v: Variant, n: number, op: Op, fn: () => Promise<unknown>) {
        await fetch(`${emu.url}/_emulator/requests`, { method: "DELETE" });
        for (const f of fs.readdirSync(memDir)) fs.rmSync(path.join(memDir, f));
        const t = performance.now();
        const cpu0 = process.cpuUsage();
        await fn();
        const ms = performance.now() - t;
        const cpu = process.cpuUsage(cpu0);
        const log = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as { data: { method: string }[] };
        const requests: Record<string, number> = {};
        for (const e of log.data) requests[e.method] = (requests[e.method] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, 150)); // the probe's last write
        const probes = fs.readdirSync(memDir).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(fs.readFileSync(path.join(memDir, f), "utf8")) as { maxRssKb: number; cpuMs: number });
        (samples[key(v, n, op)] ??= []).push({
            ms, requests,
            providerPeakMb: probes.length ? Math.max(...probes.map((p) => p.maxRssKb)) / 1024 : 0,
            providerCpuMs: probes.reduce((a, p) => a + p.cpuMs, 0),
            // This process also runs the emulator: its share is in here too (little at preview, no requests).
            programCpuMs: (cpu.user + cpu.system) / 1000,
        });
    }

    for (const n of SIZES) {
        for (let rep = 0; rep < repsFor(n); rep++) {
            // Interleaved, so the three variants share whatever else the machine is doing.
            for (const v of VARIANTS) {
                const group = await api("/v3/avatars", { method: "POST", body: JSON.stringify({ type: "photo", name: `bench ${v} ${n}`, file: { type: "url", url: "https://cdn.example.com/g.jpg" } }) });
                const groupId = group.data.avatar_group.id as string;
                let suffix = "";
                const stack: Stack = await LocalWorkspace.createOrSelectStack(
                    { projectName: "heygen-bench", stackName: `${v.replace(/\W/g, "")}-${n}-${rep}`, program: async () => program(v, n, groupId, suffix, { baseUrl: emu.url, apiKey: emu.apiKey })() },
                    { workDir: work, envVars: env, pulumiCommand, projectSettings: { name: "heygen-bench", runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } } },
                );
                process.stdout.write(`N=${n} rep ${rep + 1}/${repsFor(n)} ${v}: `);
                await measure(v, n, "preview (empty)", () => stack.preview());
                await measure(v, n, "up", () => stack.up());
                const state = (await stack.exportStack()).deployment.resources.filter((r: any) => r.type.startsWith("pulumi-nodejs:dynamic"));
                const sz = (sizes[`${v}|${n}`] ??= { stateBytes: [], providerBytes: [], keyInState: [] });
                sz.stateBytes.push(state.reduce((a: number, r: any) => a + JSON.stringify(r).length, 0) / state.length);
                sz.providerBytes.push(state.reduce((a: number, r: any) => a + String(r.outputs.__provider ?? "").length, 0) / state.length);
                sz.keyInState.push(JSON.stringify(state).includes(emu.apiKey));
                await measure(v, n, "preview (no-op)", () => stack.preview());
                await measure(v, n, "refresh", () => stack.refresh());
                suffix = " (renamed)";
                await measure(v, n, "rename all", () => stack.up());
                await measure(v, n, "destroy", () => stack.destroy());
                await stack.workspace.removeStack(stack.name);
                process.stdout.write(OPS.map((op) => `${op} ${Math.round(samples[key(v, n, op)].at(-1)!.ms)} ms`).join(", ") + "\n");
            }
        }
    }
    // The upload case, without the per-request latency (it measures bytes, not round trips).
    await fetch(`${emu.url}/_emulator/faults`, { method: "DELETE" });
    const upload = await runUpload(emu);
    await emu.stop();

    const median = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const rows: any[] = [];
    for (const n of SIZES) {
        for (const op of OPS) {
            const floorMs = median(samples[key("floor", n, op)].map((s) => s.ms));
            for (const v of VARIANTS) {
                const ss = samples[key(v, n, op)];
                const last = ss.at(-1)!;
                const perResource: Record<string, number> = {};
                for (const [m, c] of Object.entries(last.requests)) perResource[m] = +(c / n).toFixed(3);
                rows.push({
                    n, op, variant: v, runs: ss.length,
                    medianMs: Math.round(median(ss.map((s) => s.ms))),
                    ratioToFloor: +(median(ss.map((s) => s.ms)) / floorMs).toFixed(2),
                    requests: last.requests, requestsPerResource: perResource,
                    providerPeakMb: +median(ss.map((s) => s.providerPeakMb)).toFixed(1),
                    providerCpuMs: Math.round(median(ss.map((s) => s.providerCpuMs))),
                    programCpuMs: Math.round(median(ss.map((s) => s.programCpuMs))),
                    stateBytesPerResource: Math.round(median(sizes[`${v}|${n}`].stateBytes)),
                    providerBytesPerResource: Math.round(median(sizes[`${v}|${n}`].providerBytes)),
                    apiKeyInState: sizes[`${v}|${n}`].keyInState.some(Boolean),
                });
            }
        }
    }
    const result = {
        date: new Date().toISOString(),
        machine: { cpus: os.cpus().length, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
        engine: `pulumi ${pulumiCommand.version?.toString() ?? "?"}`,
        settings: { sizes: SIZES, reps: SIZES.map(repsFor), latencyMs: LATENCY_MS, training: "instant", parallel: 8, looks: "PhotoLook, waitFor: created" },
        totalSeconds: Math.round((performance.now() - started) / 1000),
        rows,
        upload,
    };
    fs.mkdirSync(path.join(__dirname, "results"), { recursive: true });
    fs.writeFileSync(path.join(__dirname, "results", "latest.json"), JSON.stringify(result, null, 2) + "\n");
    fs.writeFileSync(path.join(__dirname, "results", "latest.md"), markdown(result));
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`\nwrote bench/results/latest.md and latest.json in ${result.totalSeconds} s`);
}

function markdown(r: any): string {
    const fmt = (req: Record<string, number>) => Object.entries(req).map(([m, c]) => `${m} ${c}`).join(", ") || "0";
    const lines = [
        `# Benchmark: pulumi-heygen against the floor and a naive provider`,
        ``,
        `${r.date.slice(0, 10)} · ${r.engine} · ${r.machine.cpus} cores · Node ${r.machine.node} · emulator latency ${r.settings.latencyMs} ms a request, instant training · ` +
            `engine parallelism ${r.settings.parallel} · ${r.settings.looks} · median of ${r.settings.reps.join("/")} runs for N = ${r.settings.sizes.join("/")} · ${r.totalSeconds} s in all.`,
        ``,
        `Time is wall time of the whole engine operation; *× floor* divides it by the floor's in the same run. ` +
            `Requests are per resource, from the emulator's log (the one-off key check is \`GET\` 1 per run). ` +
            `Memory is the peak RSS of the dynamic-provider process. CPU: of the provider process, and of the program ` +
            `(inline programs run in the benchmark's own process, which also serves the emulator).`,
        ``,
        `| N | operation | variant | time ms | × floor | requests / resource | provider peak MB | provider CPU ms | program CPU ms |`,
        `|---:|---|---|---:|---:|---|---:|---:|---:|`,
        ...r.rows.map((x: any) => `| ${x.n} | ${x.op} | ${x.variant} | ${x.medianMs} | ${x.ratioToFloor} | ${fmt(x.requestsPerResource)} | ${x.providerPeakMb} | ${x.providerCpuMs} | ${x.programCpuMs} |`),
        ``,
        `## State`,
        ``,
        `The key was given in \`HEYGEN_API_KEY\`, so the last column covers what the provider writes: the resources ` +
            `(\`__provider\` and outputs). A key in stack config (\`heygen:apiKey\`) is recorded by the engine itself as the inputs ` +
            `of the default \`pulumi-nodejs\` provider, for every variant: encrypted when set with \`--secret\` (plain text is ` +
            `refused at preview by pulumi-heygen). See the README, "Where the key lives".`,
        ``,
        `| N | variant | state bytes / resource | \`__provider\` bytes / resource | API key in the resources' state |`,
        `|---:|---|---:|---:|---|`,
        ...r.rows.filter((x: any) => x.op === "up").map((x: any) => `| ${x.n} | ${x.variant} | ${x.stateBytesPerResource} | ${x.providerBytesPerResource} | ${x.apiKeyInState ? "**yes**" : "no"} |`),
        ``,
        ...(r.upload ? uploadMarkdown(r.upload) : []),
    ];
    return lines.join("\n");
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
