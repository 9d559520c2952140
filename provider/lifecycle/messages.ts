// What the resources tell the user beyond errors, kept pure where it can be: failed training's advice,
// a declined consent, what a refresh found moved, the command that applies one resource's change alone.
import { tell, warn } from "../progress";

/** What a user does with a look (or group) whose training failed: nothing is made again by itself. */
export const FAILED_ADVICE =
    "It is recorded in state as failed and is not created again (each create costs credits) until its inputs change, " +
    "or you ask for a new one with `pulumi up --replace <its URN>` (`pulumi stack --show-urns` lists them)";


/**
 * Pure: the warning for a digital twin whose consent was declined (HeyGen fails it with `consent_rejected`):
 * it never trains, and nothing changes that by itself.
 */
export function consentDeclinedWarning(what: string, id: string, state: Record<string, unknown>): string | undefined {
    const error = state.error as { code?: string } | null | undefined;
    if (state.status !== "failed" || error?.code !== "consent_rejected") return undefined;
    return `${what} (${id}) will not train: the person declined consent. Ask again (a ConsentRequest for its group asks again on the next \`up\`), ` +
        "and once it is approved, retrain it with `pulumi up --replace <its URN>`";
}

/**
 * Pure: what a refresh found moved in HeyGen, for the resource's row (the engine compares a refresh with
 * the inputs, so outputs that changed would otherwise pass unseen): training finished or failed, consent
 * given or declined, looks added to or removed from a group.
 */
export function movedMessages(before: Record<string, unknown>, after: Record<string, unknown>): { notes: string[]; warnings: string[] } {
    const notes: string[] = [];
    const warnings: string[] = [];
    const status = (k: string) => (before[k] !== undefined && before[k] !== after[k] ? [String(before[k] ?? "none"), String(after[k] ?? "none")] : undefined);
    const s = status("status");
    if (s) {
        const why = (after.error as { message?: string } | null | undefined)?.message;
        (after.status === "failed" ? warnings : notes).push(after.status === "failed" ? `training failed (was ${s[0]})${why ? `: ${why}` : ""}` : `status: ${s[0]} → ${s[1]}`);
    }
    const f = status("firstLookStatus");
    if (f) (after.firstLookStatus === "failed" ? warnings : notes).push(`first look: ${f[0]} → ${f[1]}`);
    const c = status("consentStatus");
    if (c) (after.consentStatus === "rejected" ? warnings : notes).push(after.consentStatus === "rejected" ? `consent declined (was ${c[0]}); the next \`up\` asks again` : `consent: ${c[0]} → ${c[1]}`);
    // As of the group's last read: looks this stack added since count too.
    if (typeof before.looksCount === "number" && typeof after.looksCount === "number" && before.looksCount !== after.looksCount) {
        notes.push(`looks in the group: ${before.looksCount} → ${after.looksCount}`);
    }
    return { notes, warnings };
}

/** Says on the resource's row what a refresh found moved in HeyGen (see movedMessages). */
export async function tellMoved(before: Record<string, unknown>, after: Record<string, unknown>): Promise<void> {
    const { notes, warnings } = movedMessages(before, after);
    for (const n of notes) await tell(`refresh: ${n}`, false, after.__urn ?? before.__urn);
    for (const w of warnings) await warn(w, after.__urn ?? before.__urn);
}

/** The command that applies one resource's change alone: after a partial destroy, a plain `up` would re-create the rest. */
export function targetedUp(urn: unknown): string {
    return `pulumi up --target '${typeof urn === "string" && urn ? urn : "<its URN, from pulumi stack --show-urns>"}'`;
}
