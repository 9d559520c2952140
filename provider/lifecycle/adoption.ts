// Adopting an existing object (`adoptGroupId`, `adoptLookId`): what a create does with the adoption id.
// The id is only a starting point. The object may be gone from HeyGen since (deleted in the web app, seen
// by a refresh), or be this very resource's own object, adopted by an earlier `up` and still in state:
// `pulumi up --replace` asks for a new object by checking the resource as if it were new, and adopting
// the old one again would hand it to the engine, which then deletes it as the replaced object.
import { journal } from "./createOnce";

export type AdoptionPlan =
    | { action: "adopt" }
    /** Make a new object from the declared source; `warning` says why (shown at preview and up). */
    | { action: "create"; warning: string }
    | { action: "fail"; property: string; reason: string };

export interface AdoptionFacts {
    /** `photo look "Casual"`, for messages. */
    what: string;
    /** `adoptLookId` or `adoptGroupId`. */
    adoptInput: string;
    adoptId: string;
    /** The input a new object is made from (`image`, `footage`, `prompt`, `firstLook.image`, …). */
    sourceInput: string;
    hasSource: boolean;
    /** Whether the object exists in HeyGen. */
    exists: boolean;
    /** Whether an earlier `up` of this resource adopted it (so it is in state: this create is a replacement). */
    ownedBefore: boolean;
}

/**
 * Pure: adopt, make a new object from the source, or fail at preview naming what is missing. An object
 * that is gone is made again whoever had it; one this resource had is replaced, not taken again.
 */
export function planAdoption(f: AdoptionFacts): AdoptionPlan {
    if (!f.exists) {
        if (f.hasSource) {
            return { action: "create", warning: `${f.what}: ${f.adoptInput} ${f.adoptId} no longer exists in HeyGen, so \`up\` makes it again from ${f.sourceInput} (a new id)` };
        }
        return {
            action: "fail", property: f.sourceInput,
            reason: `is needed: ${f.adoptInput} ${f.adoptId} no longer exists in HeyGen (or never did), and without ${f.sourceInput} ${f.what} cannot be made again. ` +
                `Declare ${f.sourceInput}, fix ${f.adoptInput}, or remove the resource`,
        };
    }
    if (f.ownedBefore) {
        if (f.hasSource) {
            return { action: "create", warning: `${f.what} replaces ${f.adoptId}, which it adopted earlier (${f.adoptInput}): \`up\` makes a new one from ${f.sourceInput} and deletes ${f.adoptId}` };
        }
        return {
            action: "fail", property: f.sourceInput,
            reason: `is needed to replace ${f.what}: it adopted ${f.adoptId} (${f.adoptInput}), and a replacement is a new object, made from ${f.sourceInput}. ` +
                `Declare ${f.sourceInput}, or leave ${f.adoptId} as it is (no \`--replace\`)`,
        };
    }
    return { action: "adopt" };
}

/** Whether this resource's last create handed `id` to the engine (the journal's record of it). */
export function ownedBefore(identity: unknown, id: string): boolean {
    if (typeof identity !== "string" || !identity) return false;
    const e = journal.read(identity);
    return !!e?.returned && e.id === id;
}
