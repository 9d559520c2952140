// Creates that happen once: every create costs HeyGen credits, so a resource is never made twice, also
// when `up` is killed, the connection drops after HeyGen applied the request, or the server ignores
// `Idempotency-Key` (HeyGen's generated spec names the header only for batch endpoints). Three layers:
//
// 1. A deterministic Idempotency-Key from the resource's identity (project/stack/type/name, set by the
//    resource class as the hidden input `__identity`), its create inputs and a generation: a re-run after
//    a killed `up` sends the same key, and a server that honours it replays the first answer. A replay
//    naming an object deleted since (destroy, then up within the key's 24 h) moves on to the next
//    generation ("<key>:2", …).
// 2. Looking before sending again: after an ambiguous failure (5xx, dropped connection, timeout) the
//    object is looked for in HeyGen (matching name and type, created since the request was sent, not
//    owned by another resource of this run) before the create is sent again.
// 3. A journal of creates (`.pulumi-heygen/creates/` in the project directory), one small file per
//    resource: written before the request goes out, given the id once HeyGen answers, and marked
//    `returned` once the create's answer was handed to the engine (which records it in state). An entry
//    that was never returned means an earlier run died mid-create: the object it names (or, if no answer
//    came, one of the declared name and type) is adopted instead of made again. A returned entry means
//    the object is the stack's already: a later create of the same resource is a replacement the engine
//    asked for without telling the provider (`pulumi up --replace` checks the resource as if it were new),
//    so it takes the next generation's key and never adopts that object.
//
// A resource already in state that is being replaced because its inputs changed (`check` saw its old
// inputs) uses a fresh key, and looks for objects only where it can tell its old one apart: groups by
// creation time, looks when `diff` named the old id.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { AvatarLookItem } from "../../api/schema";
import { BadRequestError, ConnectionError, type HeyGenClient, ServerError, TimeoutError, newIdempotencyKey } from "../client";
import { engineAlive } from "../engineLink";
import { resolveLocal } from "../sources";
import { memory } from "../memory";
import { pollDelay } from "./common";

// ---- pure decisions ----

/** JSON with sorted keys, so equal inputs give equal keys whatever their key order. */
export function stableJson(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
    if (v && typeof v === "object") {
        return `{${Object.keys(v).filter((k) => (v as any)[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${stableJson((v as any)[k])}`).join(",")}}`;
    }
    return JSON.stringify(v ?? null);
}

/**
 * The Idempotency-Key of a create: the same identity and inputs always give the same key; generation n > 1
 * (after a replay named a deleted object) gives `<key>:n`. 1–255 characters of [A-Za-z0-9_\-:.].
 */
export function createKey(identity: string, inputs: unknown, generation = 1): string {
    const digest = crypto.createHash("sha256").update(stableJson({ identity, inputs })).digest("hex").slice(0, 40);
    return `pulumi-heygen:${digest}${generation > 1 ? `:${generation}` : ""}`;
}

/** What was found in HeyGen: a look, or a group with its first look's type. */
export interface Candidate {
    id: string;
    name: string;
    /** avatar_type of the look (of a group's first look). */
    type: string;
    /** Unix seconds; groups have it, looks do not. */
    createdAt?: number;
}

/** Allowed difference between our clock and HeyGen's when comparing creation times. */
export const CLOCK_SKEW_S = 300;

/**
 * Which found object is the one our create made: the newest (lists are newest first) with the declared
 * name and type, created no earlier than `notBefore` (when known), and not owned by another resource.
 */
export function pickFound(candidates: Candidate[], want: { name: string; type: string; notBefore?: number }, taken: ReadonlySet<string>): Candidate | undefined {
    return candidates.find((c) =>
        c.name === want.name && c.type === want.type && !taken.has(c.id) &&
        (want.notBefore === undefined || c.createdAt === undefined || c.createdAt >= want.notBefore - CLOCK_SKEW_S));
}

/** A failure after which HeyGen may or may not have applied the create. */
export const isAmbiguous = (e: unknown): boolean => e instanceof ServerError || e instanceof ConnectionError;

/**
 * Every look of a group, newest first. HeyGen has answered `GET /v3/avatars/looks?group_id=` with 400 for
 * some groups: then all private looks are listed and filtered instead.
 */
export async function looksOfGroup(api: HeyGenClient, groupId: string): Promise<AvatarLookItem[]> {
    const looks: AvatarLookItem[] = [];
    try {
        for await (const l of api.allLooks({ group_id: groupId })) looks.push(l);
        return looks;
    } catch (e) {
        if (!(e instanceof BadRequestError)) throw e;
    }
    for await (const l of api.allLooks({ ownership: "private" })) if (l.group_id === groupId) looks.push(l);
    return looks;
}

// ---- what this provider process knows ----

// What this command's creates know lives in the process's memory (memory.ts: `run`).
const run = () => memory.run;

/** Called on every `check`: old inputs mean the resource is in state. */
export function noteCheck(olds: Record<string, unknown> | undefined, news: Record<string, unknown> | undefined): void {
    const identity = news?.__identity;
    if (typeof identity !== "string") return;
    if (olds && Object.keys(olds).length > 0) run().inState.add(identity);
    else run().inState.delete(identity);
}

/** Called on every `diff`: the id is in state, so a create that named it was recorded. */
export function noteDiff(id: unknown, news: Record<string, unknown> | undefined): void {
    noteId(id);
    const identity = news?.__identity;
    if (typeof identity !== "string") return;
    run().diffed.add(identity);
    const e = journal.read(identity);
    // An entry whose create's answer never reached the engine, yet its id is in state: it did reach it.
    if (e && e.id === id && !e.returned) journal.write({ ...e, returned: true });
}

/** Called with every id the engine hands us (diff, read, update, delete) or we record. */
export function noteId(id: unknown): void {
    if (typeof id === "string" && id) run().taken.add(id);
}

/**
 * Called when a create's answer goes to the engine (a success, or a partial create, which the engine also
 * records): from now on the object is in state, and a later create of this resource must not take it. An
 * answer reaches state only if the engine is there to record it: a killed engine's provider process can
 * live on for a moment and finish creates whose answers go nowhere. So the journal says `returned` only
 * while the engine listens, and takes it back for the answers of the last seconds should the engine be
 * found gone (watched while such answers are recent) or the process end at the engine's going (the engine
 * itself ends it with SIGKILL after a run, which runs no handler).
 */
export async function noteReturned(identity: unknown, id: unknown): Promise<void> {
    if (typeof id !== "string" || !id) return;
    run().created.add(id);
    run().taken.add(id);
    if (typeof identity !== "string" || !identity) return;
    if (!(await engineAlive())) return; // the answer goes nowhere: the next run recovers the object
    const before = journal.read(identity);
    journal.write({ identity, at: before?.at ?? Date.now(), generation: before?.generation ?? 1, id, returned: true });
    run().recentlyReturned.push({ identity, before, at: Date.now() });
    watchEngine();
}

/**
 * How long after its answer a create's `returned` may still be taken back. The engine records an answer
 * within milliseconds; a longer window would take back the last answers of runs that ended normally where
 * the SDK's own launcher leaves the provider process running after the engine is gone (a replacement of
 * such a resource by the very next command then finds its object, which the delete guard keeps).
 */
export const UNCONFIRMED_MS = 1_000;
let watching: ReturnType<typeof setInterval> | undefined;

/** The engine gone: the recent answers may not be in state; their entries go back to what they were. */
function takeBackRecent(now = Date.now()): void {
    for (const r of run().recentlyReturned.splice(0)) {
        if (now - r.at > UNCONFIRMED_MS) continue;
        if (r.before) journal.write(r.before as JournalEntry);
        else journal.drop(r.identity);
    }
}

function watchEngine(): void {
    if (watching) return;
    process.once("exit", () => takeBackRecent());
    watching = setInterval(() => {
        const now = Date.now();
        const recent = run().recentlyReturned;
        while (recent.length && now - recent[0].at > UNCONFIRMED_MS) recent.shift();
        if (!recent.length) return;
        void engineAlive().then((alive) => alive || takeBackRecent());
    }, 200);
    watching.unref();
}

/** Whether a create of this run handed this id to the engine (see handlers.ts: such an object is never deleted). */
export const createdThisRun = (id: unknown): boolean => typeof id === "string" && run().created.has(id);

// ---- the journal of creates ----

export interface JournalEntry {
    identity: string;
    /** ms since the epoch: when this generation's first request went out. */
    at: number;
    /** Which key the create used (createKey's generation); absent in entries written before 0.2. */
    generation?: number;
    /** The id HeyGen answered with, once it did. */
    id?: string;
    /** The answer was handed to the engine: the object is in state (or was, until a destroy). */
    returned?: boolean;
    /** The object this create replaces (the last returned one): never adopted, even by a recovery. */
    replaces?: string;
}

/** How long an unreturned entry is worth recovering: the Idempotency-Key's lifetime at HeyGen. */
export const JOURNAL_TTL_MS = 24 * 3600 * 1000;

/**
 * Pure: what a create of a resource does with its journal entry. `recover`: an earlier run's create never
 * reached the engine (it was killed), so what it made is this resource's, under the same key's generation.
 * `next`: the last create reached the engine, so its object is in state; this create is a replacement and
 * takes the next generation, never that object (`forbid`). `fresh`: nothing known.
 */
export function journalDecision(e: JournalEntry | undefined, now: number):
    | { action: "recover"; generation: number; entry: JournalEntry; forbid?: string }
    | { action: "next"; generation: number; forbid?: string }
    | { action: "fresh"; generation: 1 } {
    if (e?.returned) return { action: "next", generation: (e.generation ?? 1) + 1, ...(e.id ? { forbid: e.id } : {}) };
    if (e && now - e.at < JOURNAL_TTL_MS) return { action: "recover", generation: e.generation ?? 1, entry: e, ...(e.replaces ? { forbid: e.replaces } : {}) };
    return { action: "fresh", generation: 1 };
}

let journalDir: { cwd: string; dir: string } | undefined;

export const journal = {
    /** In the project directory; found once per working directory (every diff reads the journal). */
    dir(): string {
        const cwd = process.cwd();
        if (journalDir?.cwd !== cwd) journalDir = { cwd, dir: resolveLocal(path.join(".pulumi-heygen", "creates")) };
        return journalDir.dir;
    },
    file(identity: string) {
        return path.join(this.dir(), crypto.createHash("sha256").update(identity).digest("hex").slice(0, 32) + ".json");
    },
    read(identity: string): JournalEntry | undefined {
        try {
            const e = JSON.parse(fs.readFileSync(this.file(identity), "utf8")) as JournalEntry;
            return e.identity === identity ? e : undefined;
        } catch {
            return undefined;
        }
    },
    write(entry: JournalEntry): void {
        try {
            fs.mkdirSync(this.dir(), { recursive: true });
            const file = this.file(entry.identity);
            fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(entry));
            fs.renameSync(`${file}.${process.pid}.tmp`, file);
        } catch (e) {
            // Without the journal, only the key protects a killed run: say so, and go on.
            console.error(`heygen: could not write ${this.dir()} (${(e as Error).message}); a killed run is then recovered through Idempotency-Key alone`);
        }
    },
    drop(identity: string): void {
        try {
            fs.rmSync(this.file(identity), { force: true });
        } catch { /* nothing to drop */ }
    },
};

// ---- the create itself ----

export interface CreateOnceSpec<C> {
    /** The resource's `__identity`; without it (state from older programs), keys are random. */
    identity: unknown;
    /** The inputs that decide what is created (they go into the key). */
    keyInputs: unknown;
    /** What to look for: the object's name and type. */
    want: { name: string; type: string };
    /** Objects of that kind that might be ours, newest first (a group's looks; groups, with their first look's type, created since `sinceMs`). */
    list(sinceMs: number): Promise<Candidate[]>;
    /** The object with this id, if it exists. */
    byId(id: string): Promise<Candidate | undefined>;
    /** Whether candidates carry a creation time (groups do), which tells an old object from a new one. */
    timed: boolean;
    /** Sends the create with this key (not resending ambiguous failures itself). */
    send(key: string): Promise<C & { replayed?: boolean }>;
    /** The id the answer names. */
    idOf(created: C): string;
    /** Whether a replayed answer's object still exists. */
    exists(created: C): Promise<boolean>;
    /** How long a create may still be running on the server after our request timed out. */
    stillRunningMs: number;
    sleep?: (ms: number) => Promise<void>;
}

export type CreateOutcome<C> = { created: C; key: string } | { found: Candidate; key?: undefined };

const MAX_SENDS = 5;

/** Sends a create at most once in effect; returns what was created, or what an earlier attempt made. */
export async function createOnce<C>(spec: CreateOnceSpec<C>): Promise<CreateOutcome<C>> {
    const sleep = spec.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
    const identity = typeof spec.identity === "string" && spec.identity ? spec.identity : undefined;
    const replacing = !identity || run().inState.has(identity);
    const before = identity ? journal.read(identity) : undefined;
    const decision = journalDecision(before, Date.now());
    // The object a returned create made is in state: never ours to adopt (the engine deletes it next).
    const forbid = decision.action !== "fresh" ? decision.forbid : undefined;
    if (forbid) run().taken.add(forbid);

    // Looking by name and type is safe unless an old object of this resource (being replaced) would match.
    const mayLook = !replacing || spec.timed || run().diffed.has(identity!);
    const look = async (sinceMs: number): Promise<Candidate | undefined> => {
        if (!mayLook) return undefined;
        const found = pickFound(await spec.list(sinceMs), { ...spec.want, notBefore: Math.floor(sinceMs / 1000) }, run().taken);
        if (found) run().taken.add(found.id);
        return found;
    };
    let generation: number = decision.generation;
    const record = (at: number, id?: string) => identity && journal.write({ identity, at, generation, ...(id ? { id } : {}), ...(forbid ? { replaces: forbid } : {}) });
    const adopted = (found: Candidate): CreateOutcome<C> => {
        console.error(`heygen: adopting ${spec.want.type} "${spec.want.name}" (${found.id}), created by an earlier run that was interrupted`);
        record(Date.now(), found.id);
        return { found };
    };

    const earlier = decision.action === "recover" ? decision.entry : undefined;
    if (earlier && mayLook) {
        if (earlier.id) {
            if (!run().taken.has(earlier.id)) {
                const found = await spec.byId(earlier.id);
                if (found) {
                    run().taken.add(found.id);
                    return adopted(found);
                }
            }
        } else {
            const found = await look(earlier.at);
            if (found) return adopted(found);
        }
    }

    const keyFor = (g: number) => (replacing ? newIdempotencyKey() : createKey(identity!, spec.keyInputs, g));
    let key = keyFor(generation);
    const firstSentAt = Date.now();
    record(earlier && !earlier.id ? earlier.at : firstSentAt);
    for (let sends = 1; ; sends++) {
        let made: C & { replayed?: boolean };
        try {
            made = await spec.send(key);
        } catch (e) {
            if (!isAmbiguous(e) || sends >= MAX_SENDS) {
                // An answer (a 4xx) means nothing was made: nothing for a later run to look for.
                if (identity && !isAmbiguous(e)) {
                    if (before?.returned) journal.write(before); // the object in state is still the last one returned
                    else journal.drop(identity);
                }
                throw e;
            }
            // It may exist now: look before sending again; a request that timed out may still be running.
            const deadline = Date.now() + (e instanceof TimeoutError ? spec.stillRunningMs : 0);
            for (let attempt = 0; ; attempt++) {
                const found = await look(firstSentAt);
                if (found) {
                    record(firstSentAt, found.id);
                    return { found };
                }
                if (Date.now() >= deadline) break;
                await sleep(Math.min(pollDelay(attempt, 500, 5_000), Math.max(0, deadline - Date.now())));
            }
            // Not there: send it again, after a pause that grows, as the client's retries do.
            await sleep(pollDelay(sends - 1, 500, 5_000));
            continue;
        }
        if (made.replayed && (run().taken.has(spec.idOf(made)) || !(await spec.exists(made)))) {
            // The key's first answer names an object deleted since, or one the stack already holds: this is a new create.
            key = keyFor(++generation);
            record(firstSentAt);
            continue;
        }
        run().taken.add(spec.idOf(made));
        record(firstSentAt, spec.idOf(made));
        return { created: made, key };
    }
}
