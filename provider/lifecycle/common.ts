// Decisions every resource shares, kept pure: what an unknown value is, how a diff is decided, how long
// to wait and how often to look. Plus the small glue for waiting and for partial creates.
import { HeyGenError, NotFoundError } from "../client";
import { verifyKeyToStore } from "../keys";
import { tell, waitReporter } from "../progress";

export { UNKNOWN, type Failure, containsUnknown, isUnknown } from "../values";
import { type Failure, containsUnknown, isUnknown } from "../values";

export function deepEqual(a: unknown, b: unknown): boolean {
    if (a === b) return true;
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
        // Absent and undefined are the same input.
        return (a ?? undefined) === (b ?? undefined);
    }
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual((a as any)[k], (b as any)[k])) return false;
    return true;
}

export interface DiffRules {
    /** Inputs whose change the resource applies in place. */
    updatable: readonly string[];
    /** Inputs whose change forces a new object. */
    replacing: readonly string[];
    /** How an input is compared, when not by its value (files: by what HeyGen gets, see fileIdentity). */
    views?: Record<string, (v: unknown) => unknown>;
}

export interface DiffDecision {
    changes: boolean;
    replaces: string[];
    /** Every changed input, for messages. */
    changed: string[];
}

/**
 * Compares old state (which holds the old inputs: a dynamic provider's `olds` are its outputs) with new
 * inputs. An unknown new value counts as a change. Inputs that are neither updatable nor replacing
 * (outputs, and adoption ids, which matter only at create) are ignored.
 */
export function decideDiff(olds: Record<string, unknown>, news: Record<string, unknown>, rules: DiffRules): DiffDecision {
    const changed: string[] = [];
    const replaces: string[] = [];
    for (const key of [...rules.replacing, ...rules.updatable]) {
        const view = rules.views?.[key] ?? ((v: unknown) => v);
        const a = view(olds[key]);
        const b = view(news[key]);
        if (containsUnknown(b) || !deepEqual(a, b)) {
            changed.push(key);
            if (rules.replacing.includes(key)) replaces.push(key);
        }
    }
    return { changes: changed.length > 0, replaces, changed };
}

/**
 * What a new declaration means for a name HeyGen cannot change (a group's, a prompt look's), given the
 * name declared before and the name HeyGen has now (they differ when someone renamed it in HeyGen's web
 * app, seen by `refresh`):
 * - `same`: nothing to do;
 * - `record`: the declaration now matches HeyGen: an update that only records it, no API call;
 * - `drift`: renamed outside and the program did not ask for anything: no change, a warning;
 * - `replace`: the program asks for a name HeyGen does not have: only a new object can carry it.
 */
export type FixedNameDecision = "same" | "record" | "drift" | "replace";

export function decideFixedName(declaredBefore: unknown, actual: unknown, declaredNow: unknown): FixedNameDecision {
    if (isUnknown(declaredNow)) return "replace";
    const before = declaredBefore ?? actual;
    const now = actual ?? before;
    if (declaredNow === now) return declaredNow === before ? "same" : "record";
    return declaredNow === before ? "drift" : "replace";
}

/**
 * An error whose message says everything a person needs (what, why, what to do): the dynamic-provider host
 * prints `${error}: ${error.stack}`, and a stack adds only frames to it.
 */
export class UserError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "Error";
        this.stack = "";
    }
}

/**
 * Whether a hidden input (`__identity`, `__urn`) differs, both sides having one: after `aliases` rename a
 * resource, its state still holds the old ones, which a refresh would write back as inputs. An update
 * (no API call beyond a read) records the new ones. State written before a hidden input existed lacks it:
 * that is not a change.
 */
export function hiddenChanged(olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
    return ["__identity", "__urn"].some((k) => typeof olds[k] === "string" && typeof news[k] === "string" && olds[k] !== news[k]);
}

/** A replacement needs a source to make the new object from: an adopted look or group may have none. */
export function sourceBlocksReplace(what: string, replaces: string[], sourceInput: string, source: unknown): string | undefined {
    if (!replaces.length || (source !== undefined && source !== null)) return undefined;
    return `${what}: changing ${replaces.join(", ")} needs a new object, made from ${sourceInput}, which is not declared (it was adopted without it): ` +
        `declare ${sourceInput}, or undo the change`;
}

/** A replacement would create from the adoption id again, i.e. take over this very object and then delete it. */
export function adoptionBlocksReplace(id: string, replaces: string[], adoptId: unknown, what: string, input: string): string | undefined {
    if (!replaces.length || adoptId !== id) return undefined;
    return `${what}: changing ${replaces.join(", ")} needs a new object, but ${input} still names this one (${id}): ` +
        `\`up\` would take it over again and then delete it. Remove ${input} (adoption matters only when the resource is first created) to make a new one`;
}

/**
 * The preview's honest word on a replacement it cannot be sure of: an input forcing it is not known until
 * `up` (it comes from a resource being created or replaced). `up` decides again with the real value.
 */
export function unknownReplaceWarnings(what: string, replaces: string[], news: Record<string, unknown>): string[] {
    const unknown = replaces.filter((k) => containsUnknown(news[k]));
    if (!unknown.length) return [];
    return [`${what}: ${unknown.join(", ")} is not known until \`up\` (it comes from a resource being created or replaced), so the preview shows a replacement; \`up\` replaces it only if the value changes`];
}

/** Length as HeyGen counts it: characters (code points), so an emoji is one, not two UTF-16 units. */
export const charCount = (s: string): number => Array.from(s).length;

/**
 * A copy without `undefined` anywhere: the engine's protobuf Struct cannot hold it (the opaque
 * `Unexpected struct type.`), so whatever `check` returns goes through this.
 */
export function withoutUndefined<T>(v: T): T {
    if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(withoutUndefined) as T;
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = withoutUndefined(x);
        return out as T;
    }
    return v;
}

/**
 * What `diff` answers the engine. When inputs changed, `changes` stays undefined: the engine then diffs old
 * and new *inputs* itself, so `preview --diff` shows exactly the inputs that changed (with `true`, it
 * compares old outputs with new inputs and lists every output as removed), while still honouring
 * `replaces`. `because` forces a replacement when no input changed (a failed look, a declined consent).
 */
export function toDiffResult(d: DiffDecision, because?: string): { changes?: boolean; replaces: string[]; deleteBeforeReplace: boolean } {
    if (because && d.replaces.length === 0) return { changes: true, replaces: [because], deleteBeforeReplace: false };
    return { changes: d.changes ? undefined : false, replaces: d.replaces, deleteBeforeReplace: false };
}

/**
 * The key is checked once per process, by the first `check` of a run, changes or not: `up` saves the stack
 * config (with heygen:apiKey) in state, where `refresh` and `destroy` find it, so a key HeyGen rejects must
 * never pass a preview. One request a run.
 */
export async function checkKey(): Promise<void> {
    await verifyKeyToStore();
}

/** Keeps only the given keys, dropping undefined ones (state must not hold `undefined`). */
export function pick<T extends object>(o: T, keys: readonly string[]): Partial<T> {
    const out: Record<string, unknown> = {};
    for (const k of keys) if ((o as any)[k] !== undefined) out[k] = (o as any)[k];
    return out as Partial<T>;
}

/**
 * The engine records a resource as created-but-failed when create throws an error carrying its id and
 * properties (the dynamic-provider host passes `id`, `properties` and `reasons` on). The properties must include `__provider`, which the engine does not
 * add back on this path, or later reads and deletes could not find their code.
 */
export class PartialCreateError extends Error {
    constructor(
        message: string,
        readonly id: string,
        readonly properties: Record<string, unknown>,
        readonly reasons: string[],
    ) {
        super(message);
    }
}

export function partialCreate(message: string, id: string, outs: Record<string, unknown>, inputs: Record<string, unknown>): PartialCreateError {
    return new PartialCreateError(message, id, { ...outs, __provider: inputs.__provider }, [message]);
}

/** Polling intervals: quick at first, then every `maxMs`; pure so it is tested as a table. */
export function pollDelay(attempt: number, minMs = 250, maxMs = 5_000): number {
    return Math.min(maxMs, minMs * 2 ** attempt);
}

export type WaitResult<T> = { done: true; value: T } | { done: false; value: T; timedOut: true };

/** What a wait tells the user while it lasts (ephemeral, on the resource's row when `urn` is known). */
export interface WaitProgress<T> {
    /** What is waited for: `training`, `consent`. */
    what: string;
    /** The status to show, from the latest read. */
    status(v: T): string;
    /** The resource's `__urn` input (identity.ts), if any. */
    urn?: unknown;
}

/** Polls `read` until `finished` says so, or the deadline passes; says where it is every 15 s. */
export async function waitUntil<T>(
    read: () => Promise<T>, finished: (v: T) => boolean, timeoutMs: number,
    sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)), progress?: WaitProgress<T>,
): Promise<WaitResult<T>> {
    const deadline = Date.now() + timeoutMs;
    const reporter = progress && waitReporter(progress.what, timeoutMs, (m) => void tell(m, true, progress.urn));
    for (let attempt = 0; ; attempt++) {
        const value = await read();
        if (finished(value)) {
            reporter?.done(progress!.status(value));
            return { done: true, value };
        }
        reporter?.update(progress!.status(value));
        const left = deadline - Date.now();
        if (left <= 0) {
            reporter?.done(`still ${progress!.status(value)}`);
            return { done: false, value, timedOut: true };
        }
        await sleep(Math.min(pollDelay(attempt), left));
    }
}

/** Runs `fn`; a 404 becomes `undefined` (the object is gone). */
export async function orGone<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
        return await fn();
    } catch (e) {
        if (e instanceof NotFoundError) return undefined;
        throw e;
    }
}

/** An error for people: HeyGen's own message, the param and request id, never a stack trace alone. */
export function explain(e: unknown, what: string): Error {
    if (e instanceof PartialCreateError) return e;
    // `cause` keeps what HeyGen answered, so a rejected key is still recognised (config.withKeyRecovery).
    if (e instanceof HeyGenError) return new Error(`${what}: ${e.describe()}`, { cause: e });
    return e instanceof Error ? new Error(`${what}: ${e.message}`, { cause: e }) : new Error(`${what}: ${String(e)}`);
}

/** `waitFor`/`timeoutSeconds` checks shared by every resource. */
export function checkWaitInputs(news: Record<string, unknown>, allowed: readonly string[], failures: Failure[]): void {
    const w = news.waitFor;
    if (w !== undefined && !isUnknown(w) && !allowed.includes(w as string)) {
        failures.push({ property: "waitFor", reason: `'${String(w)}' is not one of ${allowed.map((a) => `'${a}'`).join(", ")}` });
    }
    const t = news.timeoutSeconds;
    if (t !== undefined && !isUnknown(t) && !(typeof t === "number" && Number.isFinite(t) && t > 0 && t <= 24 * 3600)) {
        failures.push({ property: "timeoutSeconds", reason: `must be a number of seconds from 1 to 86400, not ${JSON.stringify(t)}` });
    }
}

/** `forceDestroy`: a boolean, when given. */
export function checkForceDestroy(news: Record<string, unknown>, failures: Failure[]): void {
    const v = news.forceDestroy;
    if (v !== undefined && !isUnknown(v) && typeof v !== "boolean") failures.push({ property: "forceDestroy", reason: `must be true or false, not ${JSON.stringify(v)}` });
}

export function checkName(value: unknown, property: string, failures: Failure[], required = true): void {
    if (isUnknown(value)) return;
    if (value === undefined || value === null) {
        if (required) failures.push({ property, reason: "is required" });
        return;
    }
    if (typeof value !== "string" || value.trim() === "") failures.push({ property, reason: "must be a non-empty string" });
    else if (charCount(value) > 255) failures.push({ property, reason: `is ${charCount(value)} characters; HeyGen allows at most 255` });
}

export function checkId(value: unknown, property: string, failures: Failure[], required: boolean): void {
    if (isUnknown(value)) return;
    if (value === undefined || value === null) {
        if (required) failures.push({ property, reason: "is required" });
        return;
    }
    if (typeof value !== "string" || !/^[A-Za-z0-9_\-]{1,128}$/.test(value)) {
        failures.push({ property, reason: `'${String(value)}' is not a HeyGen id (letters, digits, _ and -)` });
    }
}
