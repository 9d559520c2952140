// The one place the provider's settings are decided (which key, which API, which timeouts, what is
// logged), and checked: pure functions of the stack config and the environment. The dynamic-provider
// process calls `configure` with the stack config (secrets decrypted); environment variables are the
// fallback. Which key is in use, and whether HeyGen accepts it, is keys.ts. The serialized
// provider (`__provider`) never captures the key. But the engine itself records the stack config as the
// inputs of the default `pulumi-nodejs` provider, so a key set in stack config is in state (encrypted when
// set with --secret): a plain one is refused at preview, by the program (`checkProgramConfig`).
import { DEFAULT_BASE_URL, type Timeouts } from "./client";
import { memory } from "./memory";

export interface Settings {
    apiKey?: string;
    baseUrl: string;
    /** Where the key came from, for messages (never the key itself). */
    keySource: "heygen:apiKey" | "HEYGEN_API_KEY" | "none";
    /**
     * HEYGEN_API_KEY when heygen:apiKey is set too and differs: used only if HeyGen rejects heygen:apiKey
     * (after a key rotation, refresh and destroy get the key saved in state by the last `up`).
     */
    fallbackKey?: string;
}

export type Lookup = (key: string) => string | undefined;

/**
 * The passphrase `npm start` uses for the emulator demo stacks when the user has none (the same string
 * is in scripts/engine-env.js). It is published, so nothing it encrypts is secret: a stack that talks to
 * a real API must not use it.
 */
export const DEMO_PASSPHRASE = "pulumi-heygen-local";

/** Called by the shim's `configure` with the stack configuration. */
export function configure(get: Lookup): void {
    // Called once per resource kind with the same config: the client and key check are keyed by the
    // settings themselves, so nothing is redone unless the settings differ.
    memory.config = get;
}

/** The settings as the stack config and the environment give them now. */
export const configured = (): Settings => resolveSettings(memory.config, process.env);

/** What is wrong with the configured API address or passphrase for a provider process, if anything. */
export function processConfigProblem(s: Settings): string | undefined {
    return configProblem({ configKey: "absent", baseUrl: s.baseUrl, baseUrlFrom: baseUrlSource(memory.config, process.env), passphrase: process.env.PULUMI_CONFIG_PASSPHRASE });
}

/** What to tell a user with no key. */
export const MISSING_KEY =
    "no HeyGen API key is configured: run `pulumi config set --secret heygen:apiKey <key>` or set HEYGEN_API_KEY " +
    "(for the local emulator, the key is `emulator-key`)";

/**
 * Pure: stack config wins over the environment (the stack says which account it manages); HEYGEN_API_KEY
 * is the key when no heygen:apiKey is set, and the fallback when HeyGen rejects heygen:apiKey. The base
 * URL defaults to HeyGen's.
 */
export function resolveSettings(get: Lookup, env: NodeJS.ProcessEnv): Settings {
    const configKey = get("heygen:apiKey") || undefined;
    const envKey = env.HEYGEN_API_KEY || undefined;
    const baseUrl = (get("heygen:baseUrl") || env.HEYGEN_API_BASE || DEFAULT_BASE_URL).replace(/\/+$/, "");
    if (configKey) return { apiKey: configKey, baseUrl, keySource: "heygen:apiKey", ...(envKey && envKey !== configKey ? { fallbackKey: envKey } : {}) };
    return { apiKey: envKey, baseUrl, keySource: envKey ? "HEYGEN_API_KEY" : "none" };
}

/** Where the base URL comes from, for messages: the setting a user would change. */
export type BaseUrlSource = "heygen:baseUrl" | "HEYGEN_API_BASE" | "default";

/** Pure: which setting gives the base URL (as resolveSettings picks it). */
export function baseUrlSource(get: Lookup, env: NodeJS.ProcessEnv): BaseUrlSource {
    return get("heygen:baseUrl") ? "heygen:baseUrl" : env.HEYGEN_API_BASE ? "HEYGEN_API_BASE" : "default";
}

/** How to set each base URL source, for the fix in a message. */
const SET_BASE_URL: Record<BaseUrlSource, (url: string) => string> = {
    "heygen:baseUrl": (url) => `\`pulumi config set heygen:baseUrl ${url}\``,
    HEYGEN_API_BASE: (url) => `\`export HEYGEN_API_BASE=${url}\``,
    default: (url) => url,
};

/**
 * Pure: what is wrong with the API's base URL, or undefined. It is the API's address without the version
 * (requests go to `<base>/v3/…`): `https://api.heygen.com`, or `http://localhost:4010` for the emulator.
 */
export function baseUrlProblem(baseUrl: string, from: BaseUrlSource = "default"): string | undefined {
    const name = from === "default" ? "the HeyGen base URL" : from;
    const example = `${SET_BASE_URL[from === "default" ? "heygen:baseUrl" : from](DEFAULT_BASE_URL)} (or http://localhost:4010 for the local emulator)`;
    let u: URL;
    try {
        u = new URL(baseUrl);
    } catch {
        return `${name} is '${baseUrl}', which is not a URL: write the API's address with its scheme, e.g. ${example}`;
    }
    if (u.protocol !== "https:" && u.protocol !== "http:") {
        return `${name} is '${baseUrl}': it must be an https:// (or, for a local emulator, http://) address, e.g. ${example}`;
    }
    const version = /\/v\d+\/*$/.exec(u.pathname);
    if (version) {
        const fixed = `${u.origin}${u.pathname.slice(0, version.index)}`;
        return `${name} is '${baseUrl}', which ends in the API version ${version[0].replace(/\/+$/, "")}: every request adds /v3/… itself ` +
            `(this one would go to ${fixed}${version[0].replace(/\/+$/, "")}/v3/users/me). Leave the version out: ${SET_BASE_URL[from === "default" ? "heygen:baseUrl" : from](fixed)}`;
    }
    return undefined;
}

/** The settings of `heygen:` a stack's config may hold. */
export const SETTINGS = ["heygen:apiKey", "heygen:baseUrl"] as const;

/**
 * Pure: the first `heygen:` key of a stack's config that is not a setting (a typo), with the setting it
 * most likely means, or undefined. `project` is the program's project: a project named `heygen` keeps its
 * own config under `heygen:` too, so there only near-misses of a setting count.
 */
export function configKeyProblem(keys: readonly string[], project?: string): string | undefined {
    for (const key of keys) {
        if (!key.startsWith("heygen:") || (SETTINGS as readonly string[]).includes(key)) continue;
        const near = SETTINGS.find((s) => s.toLowerCase() === key.toLowerCase()) ??
            SETTINGS.map((s) => [s, editDistance(s.toLowerCase(), key.toLowerCase())] as const).filter(([, d]) => d <= 3).sort((a, b) => a[1] - b[1])[0]?.[0];
        if (!near && project === "heygen") continue;
        const fix = near === "heygen:apiKey"
            ? `\`pulumi config rm ${key}\`, then \`pulumi config set --secret heygen:apiKey <key>\``
            : near
                ? `\`pulumi config rm ${key}\`, then \`pulumi config set ${near} <value>\``
                : `\`pulumi config rm ${key}\``;
        return `${key} in the stack config is not a setting of pulumi-heygen${near ? `: did you mean ${near}?` : ` (it knows ${SETTINGS.join(" and ")})`} ` +
            `It is ignored as it is; rename it: ${fix}`;
    }
    return undefined;
}

/** Levenshtein distance of two short strings. */
function editDistance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const cur = [i];
        for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
    }
    return prev[b.length];
}

/** Whether the API is on this machine (the emulator): anything else may be a real account. */
export function isLocalApi(baseUrl: string): boolean {
    let host: string;
    try {
        host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, "");
    } catch {
        return false;
    }
    return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Pure: what is wrong with where the key lives, or undefined. `configKey` says how heygen:apiKey is set
 * in the stack config; `passphrase` is PULUMI_CONFIG_PASSPHRASE.
 */
export function configProblem(c: { configKey: "absent" | "plain" | "secret"; baseUrl: string; baseUrlFrom?: BaseUrlSource; passphrase?: string; stack?: string }): string | undefined {
    const badUrl = baseUrlProblem(c.baseUrl, c.baseUrlFrom);
    if (badUrl) return badUrl;
    if (c.configKey === "plain") {
        return (
            `heygen:apiKey is set in plain text in the stack config${c.stack ? ` (Pulumi.${c.stack}.yaml)` : ""}: Pulumi would store it ` +
            "unencrypted in state. Make it a secret: `pulumi config set --secret heygen:apiKey <key>` " +
            "(or `pulumi config rm heygen:apiKey` and set HEYGEN_API_KEY, which never reaches state)"
        );
    }
    if (c.passphrase === DEMO_PASSPHRASE && !isLocalApi(c.baseUrl)) {
        return (
            `this stack talks to ${c.baseUrl}, but PULUMI_CONFIG_PASSPHRASE is pulumi-heygen's demo passphrase, which is ` +
            "published in its repository: its secrets (the key, consent links) would be readable by anyone. Use your own: " +
            "`export PULUMI_CONFIG_PASSPHRASE=<a passphrase of your own>` before creating the stack, or for an existing stack " +
            "`pulumi stack change-secrets-provider passphrase` (or a KMS: `--secrets-provider awskms://…`)"
        );
    }
    return undefined;
}

/** A configuration problem: its message says what to do, a stack trace would add nothing. */
export class ConfigurationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigurationError";
        // The dynamic-provider host logs `${error}: ${error.stack}`: the message once, no frames.
        this.stack = "";
    }
}

/**
 * Runs in the program (every resource constructor and lookup calls it: a few config lookups, no I/O):
 * fails the preview when heygen:apiKey is in plain config, or a real API would get the demo passphrase.
 * Not cached: one process may run several stacks (the Automation API).
 */
export function checkProgramConfig(): void {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const pulumi = require("@pulumi/pulumi");
    let configKey: "absent" | "plain" | "secret" = "absent";
    let baseUrl = DEFAULT_BASE_URL;
    let baseUrlFrom: BaseUrlSource = "default";
    let stack: string | undefined;
    let typo: string | undefined;
    try {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const rc = require("@pulumi/pulumi/runtime/config");
        if (rc.getConfig("heygen:apiKey") !== undefined) configKey = rc.isConfigSecret?.("heygen:apiKey") ? "secret" : "plain";
        const get = (k: string) => rc.getConfig(k);
        baseUrl = resolveSettings(get, process.env).baseUrl;
        baseUrlFrom = baseUrlSource(get, process.env);
        stack = pulumi.getStack?.() || undefined;
        typo = configKeyProblem(Object.keys(rc.allConfig?.() ?? {}), pulumi.getProject?.());
    } catch {
        return; // not inside a Pulumi program (a unit test calling a lookup): nothing to check
    }
    const problem = typo ?? configProblem({ configKey, baseUrl, baseUrlFrom, passphrase: process.env.PULUMI_CONFIG_PASSPHRASE, stack });
    // RunError: the SDK prints the message alone, without the program's stack trace.
    if (problem) throw new pulumi.RunError(problem);
}

/** The variable that shortens (or lengthens) the wait for a create or another write to answer. */
export const WRITE_TIMEOUT_VAR = "HEYGEN_WRITE_TIMEOUT_SECONDS";

/**
 * Pure: timeouts that differ from the client's defaults, from the environment. Only the write timeout
 * (creates, renames, deletes; default 120 s) is exposed: a create slower than it is the case the chaos
 * tests and a slow network need, and the provider must cope with it either way.
 */
export function timeoutsFromEnv(env: NodeJS.ProcessEnv): Partial<Timeouts> {
    const raw = env[WRITE_TIMEOUT_VAR];
    if (raw === undefined || raw.trim() === "") return {};
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new Error(`${WRITE_TIMEOUT_VAR} must be a number of seconds greater than 0 (e.g. 120), not '${raw}'`);
    }
    return { writeMs: Math.round(seconds * 1000) };
}

/** The debug switch: `HEYGEN_DEBUG=http` logs every HTTP call of the provider (see README). */
export const DEBUG_VAR = "HEYGEN_DEBUG";

/**
 * Pure: what HEYGEN_DEBUG turns on, from a comma-separated list (`http`; `*` or `all` for everything).
 * Unknown words are ignored: a debug switch must never fail an operation.
 */
export function debugFromEnv(env: NodeJS.ProcessEnv): { http: boolean } {
    const words = (env[DEBUG_VAR] ?? "").toLowerCase().split(/[\s,]+/).filter(Boolean);
    return { http: words.some((w) => w === "http" || w === "all" || w === "*") };
}
