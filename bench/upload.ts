// The upload case of `npm run bench`: a local footage file of 100 MB and 1 GB through the provider
// (`pulumi up` of one DigitalTwinLook with `footage: { path }`) against the emulator, beside `curl -T` of
// the same file to a direct-upload URL of the same emulator, interleaved in the same run. Throughput is
// measured where both are alike: the emulator's own time for the PUT (arrival to answer, all bytes
// stored and hashed), so the ratio compares the two senders on equal terms; `up` wall time is reported
// too. Memory: the peak RSS of the dynamic-provider process (bench/memprobe.js).
//
//   npm run bench -- --only upload          BENCH_UPLOAD_SIZES_MB=100,1024  BENCH_UPLOAD_REPS=3
import { execFile } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { LocalWorkspace, type PulumiCommand } from "@pulumi/pulumi/automation";
import type { Emulator } from "../emulator";

const MB = 1024 * 1024;

export interface UploadRow {
    sizeMb: number;
    runs: number;
    /** Medians. */
    providerPutMs: number;
    curlPutMs: number;
    providerMbPerS: number;
    curlMbPerS: number;
    /** Provider throughput / curl throughput (target ≥ 0.8). */
    ratio: number;
    upMs: number;
    curlWallMs: number;
    providerPeakMb: number;
    /** Every run's ratio, for the spread. */
    ratios: number[];
    peaksMb: number[];
}

interface Ctx {
    emu: Emulator;
    work: string;
    memDir: string;
    env: Record<string, string>;
    pulumiCommand: PulumiCommand;
    heygen: typeof import("../provider");
}

const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function videoFile(file: string, size: number): void {
    const block = crypto.randomBytes(4 * MB);
    block.writeUInt32BE(32, 0);
    block.write("ftypisom", 4, "latin1");
    const fd = fs.openSync(file, "w");
    for (let at = 0; at < size; at += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, size - at));
    fs.closeSync(fd);
}

function sha256File(file: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const h = crypto.createHash("sha256");
        fs.createReadStream(file, { highWaterMark: MB }).on("data", (c) => h.update(c)).on("end", () => resolve(h.digest("hex"))).on("error", reject);
    });
}

export async function uploadCase(ctx: Ctx, sizesMb: number[], reps: number): Promise<UploadRow[]> {
    const { emu, work, memDir, env, pulumiCommand, heygen } = ctx;
    const api = (p: string, init?: RequestInit) =>
        fetch(emu.url + p, { ...init, headers: { "X-Api-Key": emu.apiKey, "Content-Type": "application/json", ...init?.headers } }).then((r) => r.json() as any);
    const putOf = async () => {
        const log = (await api("/_emulator/requests")).data as { method: string; path: string; status: number; ms: number }[];
        await fetch(`${emu.url}/_emulator/requests`, { method: "DELETE" });
        const put = log.filter((e) => e.method === "PUT" && e.status === 200);
        if (put.length !== 1) throw new Error(`expected one stored PUT, saw ${JSON.stringify(log.filter((e) => e.method === "PUT"))}`);
        return put[0].ms;
    };
    const filesDir = path.join(work, "footage");
    fs.mkdirSync(filesDir, { recursive: true });
    const rows: UploadRow[] = [];
    try {
        for (const sizeMb of sizesMb) {
            const file = path.join(filesDir, `footage-${sizeMb}.mp4`);
            videoFile(file, sizeMb * MB);
            const sha = await sha256File(file);
            const s = { providerPut: [] as number[], curlPut: [] as number[], up: [] as number[], curlWall: [] as number[], peak: [] as number[] };
            for (let rep = 0; rep < reps; rep++) {
                const provider = async () => {
                    // The provider: one twin from the local file, the way a user declares it.
                    const group = await api("/v3/avatars", { method: "POST", body: JSON.stringify({ type: "photo", name: `upload bench ${sizeMb}`, file: { type: "url", url: "https://cdn.example.com/g.jpg" } }) });
                    const groupId = group.data.avatar_group.id as string;
                    const stack = await LocalWorkspace.createOrSelectStack(
                        { projectName: "heygen-bench", stackName: `upload-${sizeMb}-${rep}`, program: async () => {
                            new heygen.DigitalTwinLook("twin", { groupId, name: "bench twin", footage: { path: file }, waitFor: "created" });
                        } },
                        { workDir: work, envVars: env, pulumiCommand, projectSettings: { name: "heygen-bench", runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL } } },
                    );
                    for (const f of fs.readdirSync(memDir)) fs.rmSync(path.join(memDir, f));
                    await fetch(`${emu.url}/_emulator/requests`, { method: "DELETE" });
                    const t = performance.now();
                    await stack.up();
                    s.up.push(performance.now() - t);
                    s.providerPut.push(await putOf());
                    await new Promise((r) => setTimeout(r, 150)); // the probe's last write
                    const probes = fs.readdirSync(memDir).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(fs.readFileSync(path.join(memDir, f), "utf8")) as { maxRssKb: number });
                    s.peak.push(Math.max(0, ...probes.map((p) => p.maxRssKb)) / 1024);
                    await stack.destroy();
                    await stack.workspace.removeStack(stack.name);
                };
                const curlRun = async () => {
                    // curl -T of the same file to an upload URL of the same emulator, with the same checksum.
                    const d = (await api("/v3/assets/direct-uploads", { method: "POST", body: JSON.stringify({ filename: "curl.mp4", content_type: "video/mp4", size_bytes: sizeMb * MB, checksum_sha256: sha }) })).data;
                    const headers = Object.entries(d.upload_headers as Record<string, string>).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
                    const t = performance.now();
                    await new Promise<void>((resolve, reject) =>
                        execFile("curl", ["-sS", "--fail", "-o", "/dev/null", "-T", file, ...headers, d.upload_url], (e, _o, err) => (e ? reject(new Error(`curl: ${err || e.message}`)) : resolve())));
                    s.curlWall.push(performance.now() - t);
                    s.curlPut.push(await putOf());
                    await api(`/v3/assets/${d.asset_id}`, { method: "DELETE" });
                };
                // Alternated, so neither always runs first (page cache, writeback).
                if (rep % 2 === 0) {
                    await provider();
                    await curlRun();
                } else {
                    await curlRun();
                    await provider();
                }
                const ratio = s.curlPut.at(-1)! / s.providerPut.at(-1)!;
                process.stdout.write(`upload ${sizeMb} MB rep ${rep + 1}/${reps}: provider PUT ${Math.round(s.providerPut.at(-1)!)} ms (up ${Math.round(s.up.at(-1)!)} ms, ` +
                    `peak ${s.peak.at(-1)!.toFixed(0)} MB), curl PUT ${Math.round(s.curlPut.at(-1)!)} ms → ratio ${ratio.toFixed(2)}\n`);
            }
            fs.rmSync(file, { force: true });
            const mbps = (ms: number) => +((sizeMb * 1000) / ms).toFixed(1);
            rows.push({
                sizeMb, runs: reps,
                providerPutMs: Math.round(median(s.providerPut)), curlPutMs: Math.round(median(s.curlPut)),
                providerMbPerS: mbps(median(s.providerPut)), curlMbPerS: mbps(median(s.curlPut)),
                ratio: +median(s.providerPut.map((p, i) => s.curlPut[i] / p)).toFixed(2),
                upMs: Math.round(median(s.up)), curlWallMs: Math.round(median(s.curlWall)),
                providerPeakMb: +median(s.peak).toFixed(1),
                ratios: s.providerPut.map((p, i) => +(s.curlPut[i] / p).toFixed(2)), peaksMb: s.peak.map((x) => +x.toFixed(1)),
            });
        }
    } finally {
        fs.rmSync(filesDir, { recursive: true, force: true });
    }
    return rows;
}

export function uploadMarkdown(u: { date: string; rows: UploadRow[] }): string[] {
    return [
        `## Upload: local footage through the provider vs \`curl -T\``,
        ``,
        `${u.date.slice(0, 10)} · one DigitalTwinLook with \`footage: { path }\` (direct upload, sha256 enforced by storage), ` +
            `\`pulumi up\` against the emulator, beside \`curl -T\` of the same file to an upload URL of the same emulator in the same run. ` +
            `PUT time is the emulator's, from the request's arrival to its answer (bytes stored and hashed); *ratio* is the provider's ` +
            `throughput over curl's (median of per-run ratios); peak RSS is the dynamic-provider process's.`,
        ``,
        `| size | runs | provider PUT ms | provider MB/s | curl PUT ms | curl MB/s | ratio | per-run ratios | \`up\` ms (whole) | provider peak RSS MB (per run) |`,
        `|---:|---:|---:|---:|---:|---:|---:|---|---:|---|`,
        ...u.rows.map((r) => `| ${r.sizeMb} MB | ${r.runs} | ${r.providerPutMs} | ${r.providerMbPerS} | ${r.curlPutMs} | ${r.curlMbPerS} | ${r.ratio} | ${r.ratios.join(", ")} | ${r.upMs} | ${r.providerPeakMb} (${r.peaksMb.join(", ")}) |`),
        ``,
    ];
}
