// Fault injection, LocalStack/MockServer-style: rules per method and path, fixed or with a seeded
// probability, that add latency, answer 429/5xx, drop the connection before the request is handled, or
// drop it after the request was applied (the case that proves a client creates no duplicates).
export type FaultAction = "latency" | "error" | "drop" | "drop_after";

export interface FaultRule {
    id: string;
    /** HTTP method, or `*`. */
    method: string;
    /** Path prefix (`/v3/avatars`) or, between slashes, a regular expression (`/^\/v3\/avatars\/[^/]+$/`). */
    path: string;
    action: FaultAction;
    /** For latency: milliseconds; for the other actions an extra delay before acting. */
    latencyMs?: number;
    /** For error: the status (429, 500, 502, 503, …) and optional code. */
    status?: number;
    code?: string;
    /** For 429: seconds sent in Retry-After. */
    retryAfter?: number;
    /** 0..1, default 1. Draws come from a PRNG seeded by `seed`, so a run is reproducible. */
    probability?: number;
    seed?: number;
    /** Apply to at most this many matching requests, then stop matching. */
    times?: number;
}

interface LiveRule extends FaultRule {
    matched: number;
    rand: () => number;
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export function pathMatches(pattern: string, path: string): boolean {
    if (pattern.length > 2 && pattern.startsWith("/") && pattern.lastIndexOf("/") > 0 && /^\/\^/.test(pattern)) {
        const end = pattern.lastIndexOf("/");
        return new RegExp(pattern.slice(1, end), pattern.slice(end + 1)).test(path);
    }
    return path === pattern || path.startsWith(pattern.endsWith("/") ? pattern : pattern + "/") || pattern === "*";
}

/** Checks a rule from the control API; returns the problem, or undefined when it is fine. */
export function validateRule(r: Partial<FaultRule>): string | undefined {
    const actions: FaultAction[] = ["latency", "error", "drop", "drop_after"];
    if (!r.action || !actions.includes(r.action)) return `action must be one of ${actions.join(", ")}`;
    if (typeof r.path !== "string" || !r.path) return "path is required (a prefix like /v3/avatars, or /^regex$/)";
    if (r.action === "latency" && !(Number(r.latencyMs) >= 0)) return "latencyMs is required for latency";
    if (r.action === "error" && !(Number.isInteger(r.status) && r.status! >= 400 && r.status! <= 599)) {
        return "status (400-599) is required for error";
    }
    if (r.probability !== undefined && !(r.probability >= 0 && r.probability <= 1)) return "probability must be in 0..1";
    if (r.times !== undefined && !(Number.isInteger(r.times) && r.times > 0)) return "times must be a positive integer";
    return undefined;
}

export class FaultTable {
    private rules: LiveRule[] = [];
    private next = 1;

    add(rule: Omit<FaultRule, "id" | "method"> & { id?: string; method?: string }): FaultRule {
        const id = rule.id ?? `fault-${this.next++}`;
        const live: LiveRule = { ...rule, method: rule.method ?? "*", id, matched: 0, rand: seededRandom(rule.seed ?? 1) };
        this.rules.push(live);
        return this.view(live);
    }
    remove(id: string): boolean {
        const before = this.rules.length;
        this.rules = this.rules.filter((r) => r.id !== id);
        return this.rules.length < before;
    }
    clear(): void {
        this.rules = [];
    }
    list(): (FaultRule & { matched: number })[] {
        return this.rules.map((r) => ({ ...this.view(r), matched: r.matched }));
    }
    /** The rules that fire for this request, each draw consumed in rule order. */
    decide(method: string, path: string): FaultRule[] {
        const fired: FaultRule[] = [];
        for (const r of this.rules) {
            if (r.method !== "*" && r.method.toUpperCase() !== method.toUpperCase()) continue;
            if (!pathMatches(r.path, path)) continue;
            if (r.times !== undefined && r.matched >= r.times) continue;
            if (r.probability !== undefined && r.probability < 1 && r.rand() >= r.probability) continue;
            r.matched++;
            fired.push(this.view(r));
        }
        return fired;
    }
    private view(r: LiveRule): FaultRule {
        const { matched: _m, rand: _r, ...rule } = r;
        return rule;
    }
}
