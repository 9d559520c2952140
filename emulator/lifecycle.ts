// Training lifecycle, moto-style: each look type moves from `processing` to its outcome instantly, after N
// seconds, or after N reads, as configured at start-up or at run time. Digital twins first wait in
// `pending_consent` until their group's consent is approved. Pure: given a look and the time, say what
// it is now.
import type { CreateType, LookStatus } from "../api/schema";

export type Transition = { mode: "instant" } | { mode: "seconds"; seconds: number } | { mode: "reads"; reads: number };
export type Timing = Record<CreateType, Transition>;

export const DEFAULT_TIMING: Timing = {
    photo: { mode: "seconds", seconds: 2 },
    prompt: { mode: "seconds", seconds: 3 },
    digital_twin: { mode: "seconds", seconds: 4 },
};

export interface TrainingState {
    status: LookStatus;
    /** When the current phase began (ms since epoch). */
    phaseStartedAt: number;
    /** Reads seen in the current phase. */
    reads: number;
    /** Decided at creation by the failure rules; applied when training ends. */
    outcome: { ok: true } | { ok: false; code: string; message: string };
}

/** Parses `instant`, `5s` / `5`, `3r` / `3reads` as used by the CLI and the control API. */
export function parseTransition(text: string): Transition {
    const t = text.trim().toLowerCase();
    if (t === "instant" || t === "0" || t === "0s") return { mode: "instant" };
    let m = /^(\d+(?:\.\d+)?)\s*(s|sec|seconds)?$/.exec(t);
    if (m) return { mode: "seconds", seconds: Number(m[1]) };
    m = /^(\d+)\s*(r|reads)$/.exec(t);
    if (m) return { mode: "reads", reads: Number(m[1]) };
    throw new Error(`'${text}' is not a transition: use 'instant', '<N>s' (seconds) or '<N>r' (reads)`);
}

export function isTransition(v: unknown): v is Transition {
    if (!v || typeof v !== "object") return false;
    const t = v as Record<string, unknown>;
    if (t.mode === "instant") return true;
    if (t.mode === "seconds") return typeof t.seconds === "number" && t.seconds >= 0;
    if (t.mode === "reads") return Number.isInteger(t.reads) && (t.reads as number) >= 0;
    return false;
}

/**
 * The state after `now`, counting this access as a read when `isRead`. Training that has run its course
 * ends in the outcome decided at creation.
 */
export function advance(s: TrainingState, transition: Transition, now: number, isRead: boolean): TrainingState {
    if (s.status !== "processing") return s;
    const reads = s.reads + (isRead ? 1 : 0);
    const done =
        transition.mode === "instant" ||
        (transition.mode === "seconds" && now - s.phaseStartedAt >= transition.seconds * 1000) ||
        (transition.mode === "reads" && reads >= transition.reads);
    if (!done) return { ...s, reads };
    return { ...s, reads, status: s.outcome.ok ? "completed" : "failed" };
}

/** Consent decided for the group: waiting twins start training, or fail when consent was declined. */
export function onConsent(s: TrainingState, approved: boolean, now: number): TrainingState {
    if (s.status !== "pending_consent") return s;
    if (approved) return { ...s, status: "processing", phaseStartedAt: now, reads: 0 };
    return { ...s, status: "failed", outcome: { ok: false, code: "consent_rejected", message: "Consent was declined by the avatar's subject" } };
}

/** The group's status as HeyGen shows it: the least advanced of its looks. */
export function groupStatus(statuses: LookStatus[]): LookStatus | null {
    if (statuses.length === 0) return null;
    for (const s of ["pending_consent", "processing"] as const) if (statuses.includes(s)) return s;
    return statuses.every((s) => s === "failed") ? "failed" : "completed";
}
