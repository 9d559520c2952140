// Messages from the provider process to the person running `pulumi`. A dynamic provider has no URN and
// no `pulumi.log` connection (its `pulumi.log` falls back to console.log), but the engine starts it with
// the engine's address as its one argument, so messages go through the engine's own Log call: an
// ephemeral one shows in the live display and is not kept in the summary, which suits progress. Without
// an engine (tests calling handlers directly) they go to stderr, which the engine shows too.
type Send = (message: string, ephemeral: boolean) => Promise<void>;

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
        return (message, ephemeral) =>
            new Promise((resolve) => {
                const req = new LogRequest();
                req.setSeverity(LogSeverity.INFO);
                req.setMessage(message);
                req.setUrn("");
                req.setEphemeral(ephemeral);
                client.log(req, (err: Error | null) => {
                    if (err) process.stderr.write(`${message}\n`);
                    resolve();
                });
            });
    } catch {
        return undefined;
    }
}

/** Tells the person running `pulumi`; `ephemeral` messages (progress) are not kept in the summary. */
export function tell(message: string, ephemeral = false): Promise<void> {
    send ??= engineSender() ?? (async (m) => void process.stderr.write(`${m}\n`));
    return send(message, ephemeral);
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
