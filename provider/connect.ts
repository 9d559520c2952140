// The one place an HTTP client to HeyGen is built: every client of the package (the provider's, the
// lookups', the export command's) gets the same timeouts, retries, user agent and logging.
import { HeyGenClient, type ClientOptions } from "./client";
import { debugFromEnv, timeoutsFromEnv } from "./settings";

/** A client for this key and API, with the environment's timeouts and debug switch; `extra` for a command's own needs. */
export function newClient(apiKey: string, baseUrl: string, extra: Partial<ClientOptions> & { agent?: string } = {}): HeyGenClient {
    const { agent, ...options } = extra;
    return new HeyGenClient({
        apiKey,
        baseUrl,
        userAgent: `pulumi-heygen/${version()}${agent ? ` ${agent}` : ""}`,
        timeouts: timeoutsFromEnv(process.env),
        onRetry: ({ operation, attempt, delayMs, reason }) =>
            console.error(`heygen: retrying ${operation} (attempt ${attempt + 1}) in ${Math.round(delayMs)} ms: ${reason}`),
        // stderr: the engine shows a provider's stderr lines (and keeps them in the run's diagnostics).
        ...(debugFromEnv(process.env).http ? { debugHttp: (line: string) => console.error(line) } : {}),
        ...options,
    });
}

function version(): string {
    try {
        return require("../../package.json").version;
    } catch {
        return "dev";
    }
}
