// Processes of an engine run, for tests that kill `pulumi` and check that nothing outlives it. Every
// process of a run (the engine, the language host, the program, the dynamic-provider process) inherits
// the run's environment, so a marker variable set on `pulumi` finds them all, and only them (Linux /proc).
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import type { RunResult } from "./engine";

export const MARKER_VAR = "PULUMI_HEYGEN_TEST_RUN";

export interface ProcessInfo {
    pid: number;
    cmdline: string;
}

/** Live processes (zombies excluded) whose environment holds MARKER_VAR=marker. */
export function markedProcesses(marker: string): ProcessInfo[] {
    const needle = Buffer.from(`${MARKER_VAR}=${marker}\0`);
    const found: ProcessInfo[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            if (/^\d+ \(.*\) Z/.test(stat)) continue; // exited, not yet reaped: not running
            const environ = fs.readFileSync(`/proc/${entry}/environ`);
            if (environ.indexOf(needle) === -1) continue;
            const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
            found.push({ pid: Number(entry), cmdline });
        } catch { /* ended while we looked, or not ours to read */ }
    }
    return found;
}

/** Waits until no marked process is left, up to timeoutMs; returns those still there (empty: all gone). */
export async function waitForNoMarkedProcesses(marker: string, timeoutMs: number): Promise<ProcessInfo[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const left = markedProcesses(marker);
        if (left.length === 0 || Date.now() >= deadline) return left;
        await new Promise((r) => setTimeout(r, 200));
    }
}

/** Test hygiene after a failed assertion: SIGKILL what a run left behind (only processes with its marker). */
export function killMarkedProcesses(marker: string): void {
    for (const p of markedProcesses(marker)) {
        try { process.kill(p.pid, "SIGKILL"); } catch { /* gone */ }
    }
}

export interface RunningCommand {
    child: ChildProcess;
    /** Resolves when the process has exited and its output is closed. */
    done: Promise<RunResult>;
}

/** Starts a command without waiting for it, so a test can signal it mid-run. */
export function startCommand(cmd: string, args: string[], cwd: string, env: Record<string, string>): RunningCommand {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const done = new Promise<RunResult>((resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : null), stdout, stderr }));
    });
    return { child, done };
}
