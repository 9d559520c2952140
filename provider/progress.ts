// Messages from the provider process to the person running `pulumi`: progress, notes and warnings, through
// one channel. A dynamic provider is not told its resource's URN and has no `pulumi.log` connection (its
// `pulumi.log` falls back to console.log), but the engine starts it with the engine's address as its one
// argument, so messages go through the engine's own Log call: an ephemeral one shows in the live display
// and is not kept in the summary, which suits progress. With a URN (the hidden input `__urn`, see identity.ts) the engine shows it on that resource's
// row; without, on the stack's. Without an engine (tests calling handlers directly) they go to stderr,
// which the engine shows too.
type Severity = "info" | "warning";
type Send = (message: string, ephemeral: boolean, urn: string, severity: Severity) => Promise<void>;

let send: Send | undefined;

function engineSender(): Send | undefined {
    const addr = process.argv[2];
    if (!/dynamic-provider/.test(process.argv[1] ?? "") || !addr || !/^[\w.\-\[\]:]+:\d+$/.test(addr)) return undefined;
    try {
        const from = { paths: [require.resolve("@pulumi/pulumi")] };
        const grpc = require(require.resolve("@grpc/grpc-js", from));
        const { EngineClient } = require(require.resolve("@pulumi/pulumi/proto/engine_grpc_pb", from));
        const { LogRequest, LogSeverity } = require(require.resolve("@pulumi/pulumi/proto/engine_pb", from));
        const client = new EngineClient(addr, grpc.credentials.createInsecure());
        return (message, ephemeral, urn, severity) =>
            new Promise((resolve) => {
                try {
                    const req = new LogRequest();
                    req.setSeverity(severity === "warning" ? LogSeverity.WARNING : LogSeverity.INFO);
                    req.setMessage(message);
                    req.setUrn(urn);
                    req.setEphemeral(ephemeral);
                    client.log(req, (err: Error | null) => {
                        if (err) process.stderr.write(`${severity === "warning" ? "warning: " : ""}${message}\n`);
                        resolve();
                    });
                } catch {
                    process.stderr.write(`${severity === "warning" ? "warning: " : ""}${message}\n`);
                    resolve();
                }
            });
    } catch {
        return undefined;
    }
}

/** Only a well-formed URN is sent: the engine would show anything else as a row of its own. */
export function validUrn(urn: unknown): string {
    return typeof urn === "string" && /^urn:pulumi:[^:\n]+::[^:\n]+::[^\n]+::[^\n]+$/.test(urn) ? urn : "";
}

/**
 * Tells the person running `pulumi`; `ephemeral` messages (progress) are not kept in the summary. With the
 * resource's `urn`, the message shows on that resource's row. Never throws.
 */
export function tell(message: string, ephemeral = false, urn?: unknown): Promise<void> {
    return sender()(message, ephemeral, validUrn(urn), "info");
}

/**
 * A warning, shown as `warning:` by `preview`, `up` and `refresh` (and kept in the summary and `--json`), on
 * the resource's row when its `urn` is given. Never throws: a lost warning must not fail a preview.
 */
export function warn(message: string, urn?: unknown): Promise<void> {
    return sender()(message, false, validUrn(urn), "warning");
}

function sender(): Send {
    return (send ??= engineSender() ?? (async (m, _e, _u, severity) => void process.stderr.write(`${severity === "warning" ? "warning: " : ""}${m}\n`)));
}

/** `42s`, `2m10s`, `1h05m`: how long a wait has gone on, and may. */
export function duration(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return `${s}s`;
    if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** `training: processing, 2m10s of 15m00s`. */
export function waitMessage(what: string, status: string, elapsedMs: number, timeoutMs: number): string {
    return `${what}: ${status}, ${duration(elapsedMs)} of ${duration(timeoutMs)}`;
}

/** How often a wait says where it is. */
export const WAIT_REPORT_EVERY_MS = 15_000;

/**
 * A wait's progress: one message when it starts, then at most one every `everyMs`, and one at the end if
 * any was sent. Pure but for the clock.
 */
export function waitReporter(what: string, timeoutMs: number, out: (m: string) => void, everyMs = WAIT_REPORT_EVERY_MS, now = () => Date.now()) {
    const start = now();
    let last: number | undefined;
    return {
        update(status: string): void {
            const t = now();
            if (last !== undefined && t - last < everyMs) return;
            last = t;
            out(waitMessage(what, status, t - start, timeoutMs));
        },
        /** The wait is over: the row keeps its last message, so it says how it ended, not the last poll. */
        done(status: string): void {
            if (last !== undefined) out(`${what}: ${status} after ${duration(now() - start)}`);
        },
    };
}

/** Progress of a long transfer: at most one message per `everyMs`, and one at the end. Pure but for the clock. */
export function progressReporter(label: string, total: number, out: (m: string) => void, everyMs = 5_000, now = () => Date.now()) {
    const start = now();
    let last = start;
    return {
        update(sent: number): void {
            const t = now();
            if (t - last < everyMs || sent >= total) return;
            last = t;
            const rate = sent / Math.max(0.001, (t - start) / 1000);
            out(`${label}: ${Math.floor((sent / total) * 100)}% (${size(sent)} of ${size(total)}, ${size(rate)}/s, about ${Math.ceil((total - sent) / Math.max(rate, 1))} s left)`);
        },
        done(): string {
            const s = (now() - start) / 1000;
            return `${label}: ${size(total)} in ${s.toFixed(1)} s (${size(total / Math.max(s, 0.001))}/s)`;
        },
    };
}

export function size(n: number): string {
    if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GB`;
    if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
    return `${Math.round(n / 1024)} KB`;
}
