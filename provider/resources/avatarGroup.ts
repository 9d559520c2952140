// AvatarGroup: a character identity ("Sarah"). HeyGen has no call that creates an empty group: a group is
// born with its first look, so the group declares that look too. Groups cannot be renamed: a new name, or
// a different first look, makes a new group. The first look's name (photo and digital twin) changes in place.
import * as pulumi from "@pulumi/pulumi";
import type { AvatarGroupItem, AvatarLookItem, ConsentStatus, CreateAvatarRequest, LookStatus } from "../../api/schema";
import { type HeyGenClient, NotFoundError } from "../client";
import { client } from "../config";
import { warn } from "../progress";
import { type AdoptionPlan, ownedBefore, planAdoption } from "./adoption";
import { claim, describeIdentity, nameKey } from "./owners";
import { type ImageSource, type VideoSource, fileIdentity } from "../files";
import { identity } from "../identity";
import {
    type Failure, PartialCreateError, UNKNOWN, checkForceDestroy, checkId, containsUnknown, checkKey, checkName, checkWaitInputs, decideDiff,
    decideFixedName, adoptionBlocksReplace, explain, hiddenChanged, isUnknown, orGone, partialCreate, pick, sourceBlocksReplace, toDiffResult,
    UserError, waitUntil, withoutUndefined,
} from "./common";
import { type Candidate, createOnce, looksOfGroup } from "./createOnce";
import { digitalTwinKind } from "./digitalTwinLook";
import { forgetListings, readLook } from "./lookReads";
import { journal, releaseAssets, withAssetsReleased } from "./uploadedAssets";
import { FAILED_ADVICE, type LookKind, type LookWait, consentDeclinedWarning, createLookOnce, targetedUp, tellMoved, waitIsOver } from "./looks";
import { photoKind } from "./photoLook";
import { promptKind } from "./promptLook";
import { HeyGenResource, type OutputSeed, derive, type Outputs } from "./resource";

export type FirstLookType = "photo" | "prompt" | "digital_twin";

/** A photo first look: the group's first look trained from one photo. */
export interface PhotoFirstLookArgs {
    /** The kind of first look: `photo`. */
    type: "photo";
    /** The look's name (≤ 255 characters); defaults to the group's name. Changing it renames the look in place. */
    name?: pulumi.Input<string>;
    /** The photo (JPEG/PNG, at least 512×512, one front-facing face). Changing it replaces the group. */
    image: pulumi.Input<ImageSource>;
}

/** A digital twin first look: trained from video footage of a real person (it needs their consent). */
export interface DigitalTwinFirstLookArgs {
    /** The kind of first look: `digital_twin`. */
    type: "digital_twin";
    /** The look's name (≤ 255 characters); defaults to the group's name. Changing it renames the look in place. */
    name?: pulumi.Input<string>;
    /** The training video (MP4/WebM, at least 15 s). Changing it replaces the group. */
    footage: pulumi.Input<VideoSource>;
}

/** A prompt first look: generated from a text prompt. It takes the group's name (HeyGen cannot rename it). */
export interface PromptFirstLookArgs {
    /** The kind of first look: `prompt`. */
    type: "prompt";
    /** Only the group's name is allowed: HeyGen cannot rename prompt looks. */
    name?: pulumi.Input<string>;
    /** What the look should be (≤ 1000 characters). Changing it replaces the group. */
    prompt: pulumi.Input<string>;
    /** Up to 3 reference images. Changing them replaces the group. */
    referenceImages?: pulumi.Input<pulumi.Input<ImageSource>[]>;
}

/** The look the group is born with: the same fields as the matching look resource, chosen by `type`. */
export type FirstLookArgs = PhotoFirstLookArgs | DigitalTwinFirstLookArgs | PromptFirstLookArgs;

/**
 * The first look of an adopted group: its type (and name), its source optional. Without its source the group
 * is managed like any other, but cannot be made again (`preview` says so when it would have to be).
 */
export type AdoptedFirstLookArgs =
    | (Partial<PhotoFirstLookArgs> & { type: "photo" })
    | (Partial<DigitalTwinFirstLookArgs> & { type: "digital_twin" })
    | (Partial<PromptFirstLookArgs> & { type: "prompt" });

interface AvatarGroupCommonArgs {
    /** The character's name (≤ 255). Groups cannot be renamed: a change replaces the group and its looks. */
    name: pulumi.Input<string>;
    /** `trained` (default for photo and prompt) or `created` (default for digital twins). */
    waitFor?: pulumi.Input<LookWait>;
    /** How long to wait for the first look's training (default: the look kind's). */
    timeoutSeconds?: pulumi.Input<number>;
    /**
     * Destroying or replacing the group deletes every look in it (HeyGen deletes a group with its looks).
     * Without this, that fails when the group holds looks this stack does not manage, and lists them.
     * Set it (and run `pulumi up`, which changes it in place) before the destroy or replacement.
     */
    forceDestroy?: pulumi.Input<boolean>;
}

/** An avatar group: made with its first look (from its source), or adopted (`adoptGroupId`), when the first look's source may be left out. */
export type AvatarGroupArgs = AvatarGroupCommonArgs & (
    | {
        /** The first look, created with the group. Changing anything but its name replaces the group. */
        firstLook: pulumi.Input<FirstLookArgs>;
        /** Take an existing group under management instead of creating one (checked against this declaration). */
        adoptGroupId?: pulumi.Input<string>;
    }
    | {
        /** The adopted group's first look: its type and name; its source only if the group may have to be made again. */
        firstLook: pulumi.Input<AdoptedFirstLookArgs>;
        /** Take an existing group under management instead of creating one (checked against this declaration). */
        adoptGroupId: pulumi.Input<string>;
    }
);

/** Everything an AvatarGroup outputs: HeyGen's view of the group, and of its first look. */
export interface AvatarGroupOutputs {
    /**
     * The group's id: pass it as a look's `groupId`. It is the resource's id, so it stays known while a
     * preview plans an update of the group, and the looks that use it are not shown as replaced.
     */
    groupId: string;
    /**
     * The id of the look the group was created with (after one deleted outside was made again: that one).
     * Unknown in a preview that updates the group: an update makes a first look deleted outside again.
     */
    firstLookId: string;
    /** The first look's name as HeyGen has it. */
    firstLookName: string | null;
    /** The first look's status as HeyGen has it; `deleted` when a refresh found it gone (the next `up` makes it again). */
    firstLookStatus: LookStatus | typeof FIRST_LOOK_DELETED | null;
    /** The group's name as HeyGen has it (renaming it in HeyGen's web app shows here after a refresh). */
    name: string;
    /** The name the program declared (kept apart from `name`: HeyGen cannot rename groups, so a rename outside is reported, never undone). */
    declaredName: string;
    /** How many looks the group holds, managed by this stack or not, as of its last create, update or refresh (`pulumi refresh` reads it anew). */
    looksCount: number;
    /** The least advanced status of its looks, as of its last create, update or refresh (`pulumi refresh` reads it anew). */
    status: LookStatus | null;
    /** `null` when no consent is needed (no digital twin). */
    consentStatus: ConsentStatus | null;
    /** A preview image of the character, once a look completed. */
    previewImageUrl: string | null;
    /** A preview video of the character, once a look completed. */
    previewVideoUrl: string | null;
    /** As HeyGen detected it (e.g. `female`, `male`). */
    gender: string | null;
    /** The voice HeyGen suggests for this character. */
    defaultVoiceId: string | null;
    /** When the group was created, in Unix seconds. */
    createdAt: number;
    /** Why training failed, when `status` is `failed`. */
    error: { code: string; message: string } | null;
    /** Assets this resource uploaded for its first look's files (local paths, base64); deleted with the group. */
    uploadedAssetIds?: string[];
}

/** `firstLookStatus` once a refresh found the first look deleted outside this program. */
export const FIRST_LOOK_DELETED = "deleted" as const;

const KINDS: Record<FirstLookType, LookKind> = { photo: photoKind, prompt: promptKind, digital_twin: digitalTwinKind };
// `__identity` is kept in state so that `read` gives it back (see LOOK_COMMON_INPUTS).
const INPUTS = ["name", "firstLook", "adoptGroupId", "waitFor", "timeoutSeconds", "forceDestroy", "__identity"] as const;

export function groupOutputs(g: AvatarGroupItem): Omit<AvatarGroupOutputs, "firstLookId" | "firstLookName" | "firstLookStatus" | "declaredName"> {
    return {
        groupId: g.id, name: g.name, looksCount: g.looks_count, status: g.status, consentStatus: g.consent_status,
        previewImageUrl: g.preview_image_url, previewVideoUrl: g.preview_video_url, gender: g.gender,
        defaultVoiceId: g.default_voice_id, createdAt: g.created_at, error: g.error ?? null,
    };
}

const firstLookOf = (inputs: Record<string, unknown>) => (inputs.firstLook ?? {}) as Record<string, unknown>;
/** Whether the first look declares what it is made from (an adopted group may leave it out). */
const firstLookHasSource = (inputs: Record<string, unknown>) => {
    const fl = firstLookOf(inputs);
    const kind = KINDS[fl.type as FirstLookType];
    return !!kind && fl[kind.sourceInput] !== undefined && fl[kind.sourceInput] !== null;
};
/** The first look's declared name: its own, else the group's (`groupName` for states whose `name` is HeyGen's). */
const lookName = (inputs: Record<string, unknown>, groupName?: string) => (firstLookOf(inputs).name as string | undefined) ?? groupName ?? (inputs.name as string);

/** Splits the first look into what forces a new group (its source) and what changes in place (its name). */
export function groupDiffView(inputs: Record<string, unknown>): Record<string, unknown> {
    const fl = inputs.firstLook;
    if (isUnknown(fl)) return { ...inputs, firstLookSource: UNKNOWN, firstLookName: UNKNOWN };
    const { name, ...source } = (fl ?? {}) as Record<string, unknown>;
    // Files compare by what HeyGen gets (their bytes' hash), not by how they are given.
    for (const k of ["image", "footage", "referenceImages"]) if (source[k] !== undefined) source[k] = fileIdentity(source[k]);
    // A prompt look's name cannot change in place.
    const renamable = source.type !== "prompt";
    return { ...inputs, firstLookSource: renamable ? source : { ...source, name }, firstLookName: renamable ? name ?? inputs.name : undefined };
}

/**
 * The group's diff, from its old state (outputs: what HeyGen had at the last write or refresh, and what
 * was declared) and its new inputs. Replaced only for what HeyGen cannot change in place: the group's
 * name (when the program asks for a new one), its first look's source or type, a prompt first look's
 * name. A rename made outside (the API cannot put it back) is a warning, never a replacement. Adoption
 * matters only at create. A first look deleted outside is made again by an update.
 */
export function decideGroupDiff(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const warnings: string[] = [];
    const before = groupDiffView(olds);
    const after = groupDiffView(news);
    // The first look's name as HeyGen has it (a refresh records it), else as declared before.
    if (olds.firstLookName !== undefined && olds.firstLookName !== null && !isUnknown(before.firstLookSource) && (before.firstLookSource as any)?.type !== "prompt") {
        before.firstLookName = olds.firstLookName;
    }
    const d = decideDiff(before, after, { replacing: ["firstLookSource"], updatable: ["firstLookName", "waitFor", "timeoutSeconds", "forceDestroy"] });
    const replaces = d.replaces.map((k) => (k === "firstLookSource" ? "firstLook" : k));
    let changes = d.changes;
    switch (decideFixedName(olds.declaredName, olds.name, news.name)) {
        case "record":
            changes = true;
            // A first look without a name of its own is named after the group: accepting the group's new name renames it too.
            if (d.changed.includes("firstLookName") && firstLookOf(news).name === undefined && typeof news.name === "string") {
                warnings.push(
                    `avatar group "${news.name}": accepting the group's name also renames its first look from "${String(before.firstLookName)}" to "${news.name}" ` +
                        `(a first look without a name of its own takes the group's). To keep it, set firstLook.name to "${String(before.firstLookName)}"`,
                );
            }
            break;
        case "drift":
            warnings.push(
                `avatar group "${String(news.name)}" is named "${String(olds.name)}" in HeyGen (renamed outside this program). HeyGen cannot rename groups, ` +
                    `so nothing is changed: set name to "${String(olds.name)}" to accept it, or keep "${String(news.name)}" and ignore this warning ` +
                    "(a new name would replace the group and all its looks)",
            );
            break;
        case "replace":
            changes = true;
            replaces.unshift("name");
            break;
    }
    // Deleted outside (seen by a refresh): the update makes it again in the same group.
    if (olds.firstLookStatus === FIRST_LOOK_DELETED && !replaces.includes("firstLook")) changes = true;
    if (hiddenChanged(olds, news)) changes = true;
    // A group whose first look failed stays recorded as failed: a new one only when its inputs change or
    // with `pulumi up --replace` (every create costs credits).
    return { ...toDiffResult({ ...d, changes, replaces }), warnings };
}

export const avatarGroupHandlers = {
    async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
        const failures: Failure[] = [];
        checkName(news.name, "name", failures);
        checkId(news.adoptGroupId, "adoptGroupId", failures, false);
        checkWaitInputs(news, ["created", "trained"], failures);
        checkForceDestroy(news, failures);
        let firstLook = news.firstLook;
        if (firstLook === undefined || firstLook === null) {
            failures.push({ property: "firstLook", reason: "is required: HeyGen creates a group only together with its first look" });
        } else if (!isUnknown(firstLook)) {
            const fl = firstLook as Record<string, unknown>;
            const kind = KINDS[fl.type as FirstLookType];
            if (!isUnknown(fl.type) && !kind) {
                failures.push({ property: "firstLook.type", reason: `'${String(fl.type)}' is not one of 'photo', 'prompt', 'digital_twin'` });
            } else if (kind) {
                checkName(fl.name, "firstLook.name", failures, false);
                if (fl.type === "prompt" && fl.name !== undefined && !isUnknown(fl.name) && !isUnknown(news.name) && fl.name !== news.name) {
                    failures.push({ property: "firstLook.name", reason: "a prompt first look takes the group's name (HeyGen cannot rename prompt looks): remove it or make it equal to name" });
                }
                const own: Failure[] = [];
                const source = kind.checkSource(fl, own, news.adoptGroupId !== undefined && news.adoptGroupId !== null);
                failures.push(...own.map((f) => ({ ...f, property: `firstLook.${f.property}` })));
                const foreign = ["image", "footage", "prompt", "referenceImages"].filter((k) => fl[k] !== undefined && !kind.sourceInputs.includes(k));
                for (const k of foreign) failures.push({ property: `firstLook.${k}`, reason: `does not apply to a ${fl.type} look` });
                firstLook = { ...fl, ...source };
            }
        }
        const inputs: Record<string, unknown> = withoutUndefined({ ...news, firstLook });
        if (failures.length === 0) await checkKey();
        // Adopting: only when the resource is created (no old inputs), with reads only.
        const creating = Object.keys(olds ?? {}).length === 0;
        if (failures.length === 0 && creating && typeof news.adoptGroupId === "string" && !containsUnknown(inputs)) {
            const adoption = await groupAdoption(client(), inputs);
            failures.push(...adoption.failures);
            if (!adoption.failures.length) for (const w of adoption.warnings) await warn(w, inputs.__urn);
        } else if (failures.length === 0 && creating && firstLook && !isUnknown(firstLook) && !firstLookHasSource(inputs)) {
            const kind = KINDS[firstLookOf(inputs).type as FirstLookType];
            failures.push({ property: `firstLook.${kind.sourceInput}`, reason: "is required to make the group (only an adopted group, with adoptGroupId, may leave it out)" });
        }
        return { inputs, failures };
    },

    async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const { warnings, ...result } = decideGroupDiff(olds, news);
        const what = `avatar group "${String(news.name)}"`;
        const kind = KINDS[firstLookOf(news).type as FirstLookType];
        const remake = olds.firstLookStatus === FIRST_LOOK_DELETED && !result.replaces.length ? ["firstLook (deleted in HeyGen)"] : [];
        const blocked = adoptionBlocksReplace(id, result.replaces, news.adoptGroupId, what, "adoptGroupId") ??
            (kind && sourceBlocksReplace(what, [...result.replaces, ...remake], `firstLook.${kind.sourceInput}`, firstLookHasSource(news) ? true : undefined));
        if (blocked) throw new UserError(blocked);
        const other = claim(id, news.__identity) ?? claim(olds.firstLookId as string | undefined, news.__identity) ??
            claim(nameKey(id, lookName(news, olds.declaredName as string | undefined)), news.__identity);
        if (other) throw new UserError(`${what} (${id}) or its first look ${String(olds.firstLookId)} is also managed by ${describeIdentity(other)}: two resources managing one object would delete it under each other; remove one of them (or its adoption id)`);
        const declined = consentDeclinedWarning(`the first look of ${what}`, String(olds.firstLookId), { status: olds.firstLookStatus, error: olds.error });
        for (const w of [...warnings, ...(declined ? [declined] : [])]) await warn(w, news.__urn);
        return result;
    },

    async create(inputs: Record<string, unknown>) {
        const api = client();
        forgetListings();
        if (inputs.adoptGroupId) {
            let adoption;
            try {
                adoption = await groupAdoption(api, inputs);
                if (adoption.failures.length) throw new UserError(adoption.failures.map((f) => `${f.property} ${f.reason}`).join("; "));
                // Checked as at preview: the group and its first look are as declared (names included).
                if (adoption.group && adoption.first) return await settle(api, adoption.group.id, adoption.group, adoption.first, inputs, {});
            } catch (e) {
                throw explain(e, `creating avatar group "${inputs.name}"`);
            }
            for (const w of adoption.warnings) await warn(w, inputs.__urn);
        }
        if (!firstLookHasSource(inputs)) throw new UserError(`creating avatar group "${inputs.name}": firstLook has no source to make it from`);
        const fl = firstLookOf(inputs);
        const kind = KINDS[fl.type as FirstLookType];
        // Until HeyGen accepted the create, a failure leaves nothing behind to record.
        let prepared: Awaited<ReturnType<LookKind["createBody"]>> | undefined;
        const firstLooks = new Map<string, AvatarLookItem>();
        let outcome;
        try {
            outcome = await createOnce({
                identity: inputs.__identity,
                keyInputs: { name: inputs.name, firstLook: fl },
                want: { name: inputs.name as string, type: kind.avatarType },
                async list(sinceMs) {
                    const out: Candidate[] = [];
                    for await (const g of api.allGroups({ ownership: "private" })) {
                        if (g.created_at * 1000 < sinceMs - 600_000) break; // newest first: the rest are older
                        if (g.name !== inputs.name) continue;
                        const first = (await looksOfGroup(api, g.id)).pop(); // the oldest is the first look
                        if (!first) continue;
                        firstLooks.set(g.id, first);
                        out.push({ id: g.id, name: g.name, type: first.avatar_type, createdAt: g.created_at });
                    }
                    return out;
                },
                async byId(id) {
                    const g = await orGone(() => api.getGroup(id));
                    const first = g && (await looksOfGroup(api, g.id)).pop();
                    if (!g || !first) return undefined;
                    firstLooks.set(g.id, first);
                    return { id: g.id, name: g.name, type: first.avatar_type, createdAt: g.created_at };
                },
                timed: true,
                async send(key) {
                    prepared ??= await kind.createBody(fl, api, key);
                    return api.createAvatar({ type: kind.createType, name: inputs.name as string, ...prepared.body } as CreateAvatarRequest, key, { lookBeforeResend: true });
                },
                idOf: (c) => c.avatar_group.id,
                exists: async (c) => (await orGone(() => api.getGroup(c.avatar_group.id))) !== undefined,
                stillRunningMs: api.timeoutMs("writeMs"),
            });
        } catch (e) {
            await releaseAssets(api, prepared?.uploadedAssetIds, "gone"); // no look was made from them
            throw explain(e, `creating avatar group "${inputs.name}"`);
        }
        // From here on the group exists: whatever fails, it is recorded with its id (a partial create).
        const extra = prepared?.uploadedAssetIds.length ? { uploadedAssetIds: prepared.uploadedAssetIds } : {};
        const groupId = "created" in outcome ? outcome.created.avatar_group.id : outcome.found.id;
        let look = "created" in outcome ? outcome.created.avatar_item : firstLooks.get(groupId)!;
        const known = (g: AvatarGroupItem | undefined) => ({
            // The first look's name as it is, so a rename that did not happen is made by the next `up`.
            ...pick(look.name === lookName(inputs) ? inputs : { ...inputs, firstLook: { ...fl, name: look.name } }, INPUTS),
            ...(g ? groupOutputs(g) : { groupId, name: inputs.name }),
            firstLookId: look.id, ...extra,
        });
        try {
            if (lookName(inputs) !== look.name) look = await api.renameLook(look.id, lookName(inputs));
            return await withAssetsReleased(api, settle(api, groupId, "created" in outcome ? outcome.created.avatar_group : undefined, look, inputs, extra));
        } catch (e) {
            if (e instanceof PartialCreateError) throw e;
            journal.forget(prepared?.uploadedAssetIds); // recorded with the partial create
            throw partialCreate(
                `avatar group "${inputs.name}" was created (${groupId}), then: ${explain(e, "finishing it").message}. It is recorded in state; the next \`pulumi up\` carries on`,
                groupId, known("created" in outcome ? outcome.created.avatar_group : undefined), inputs,
            );
        }
    },

    async read(id: string, props: Record<string, unknown>) {
        const api = client();
        const group = await orGone(() => api.getGroup(id));
        if (!group) return {};
        const declaredName = (props.declaredName ?? props.name) as string;
        const firstLookId = props.firstLookId as string | undefined;
        // The first look is read with the group's other looks (one listing per group).
        const look = firstLookId && props.firstLookStatus !== FIRST_LOOK_DELETED ? await readLook(api, firstLookId, id) : undefined;
        const outs = {
            ...props, ...groupOutputs(group), declaredName,
            firstLookName: look?.name ?? null, firstLookStatus: look?.status ?? FIRST_LOOK_DELETED,
        };
        // Inputs as they are now, so a later preview shows exactly what `up` will put back: a renamed first
        // look, a deleted one (its inputs go, and come back with the update). The group's own name stays the
        // declared one: HeyGen cannot rename it back, so that drift is a warning.
        const inputs: Record<string, unknown> = { ...pick(props, INPUTS), name: declaredName };
        const fl = props.firstLook as Record<string, unknown> | undefined;
        if (!look) delete inputs.firstLook;
        else if (fl && KINDS[fl.type as FirstLookType]?.renamable && look.name !== lookName(props as Record<string, unknown>, declaredName)) {
            inputs.firstLook = { ...fl, name: look.name };
        }
        const urn = props.__urn;
        if (group.name !== declaredName) {
            await warn(`avatar group "${declaredName}" (${id}) was renamed to "${group.name}" outside this program; HeyGen cannot rename groups, so \`up\` leaves it: set name to "${group.name}" to accept it`, urn);
        }
        if (look && fl?.type === "prompt" && look.name !== lookName(props, declaredName)) {
            await warn(
                `avatar group "${declaredName}" (${id}): its prompt first look ${look.id} was renamed to "${look.name}" outside this program; HeyGen cannot rename ` +
                    "prompt looks back, so `up` leaves it (a prompt first look takes the group's name: nothing to declare)", urn,
            );
        }
        if (firstLookId && !look && props.firstLookStatus !== FIRST_LOOK_DELETED) {
            const remake = firstLookHasSource(props) ? "the next `up` makes it again in the same group" : "it was adopted without a source, so `up` cannot make it again: declare firstLook's source";
            await warn(`avatar group "${declaredName}" (${id}): its first look ${firstLookId} was deleted outside this program; ${remake}`, urn);
        }
        await tellMoved(props, outs);
        return { id, props: outs, inputs };
    },

    async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const api = client();
        forgetListings();
        const firstLookId = olds.firstLookId as string;
        let extra: Record<string, unknown> = olds.uploadedAssetIds ? { uploadedAssetIds: olds.uploadedAssetIds } : {};
        let look: AvatarLookItem;
        try {
            const live = olds.firstLookStatus === FIRST_LOOK_DELETED ? undefined : firstLookId;
            const kind = KINDS[firstLookOf(news).type as FirstLookType];
            const current = (olds.firstLookName as string | null | undefined) ?? lookName(olds, olds.declaredName as string | undefined);
            let found: AvatarLookItem | undefined;
            if (live) {
                try {
                    found = kind.renamable && current !== lookName(news) ? await api.renameLook(live, lookName(news)) : await api.getLook(live);
                } catch (e) {
                    if (!(e instanceof NotFoundError)) throw e;
                    await warn(`avatar group "${news.name}": its first look ${live} no longer exists in HeyGen; making it again`);
                }
            }
            // Deleted outside (seen now or by a refresh): make it again, so the group is what the program says.
            if (!found) {
                const made = await createFirstLook(api, id, news);
                found = made.look;
                if (made.uploadedAssetIds.length) extra = { uploadedAssetIds: [...((olds.uploadedAssetIds as string[] | undefined) ?? []), ...made.uploadedAssetIds] };
            }
            look = found;
        } catch (e) {
            throw explain(e, `updating avatar group "${news.name}"`);
        }
        // Once the rename is applied, it is recorded whatever fails next.
        try {
            return { outs: (await withAssetsReleased(api, settle(api, id, undefined, look, news, extra))).outs };
        } catch (e) {
            if (e instanceof PartialCreateError) throw e;
            const outs = { ...pick(olds, ["groupId", "looksCount", "status", "consentStatus", "previewImageUrl", "previewVideoUrl", "gender", "defaultVoiceId", "createdAt", "error"]), ...pick(news, INPUTS), name: olds.name ?? news.name, declaredName: news.name, groupId: id, firstLookId: look.id, firstLookName: look.name, firstLookStatus: look.status, ...extra };
            throw partialCreate(`updating avatar group "${news.name}": ${explain(e, "finishing it").message}`, id, outs, news);
        }
    },

    async delete(id: string, props: Record<string, unknown> = {}) {
        forgetListings();
        const api = client();
        try {
            // HeyGen deletes a group with every look in it. The engine deletes the looks this stack manages
            // first, so any look left besides the group's own first look belongs to someone else.
            if (!props.forceDestroy) {
                const looks = await looksOfGroup(api, id);
                const first = typeof props.firstLookId === "string" ? props.firstLookId : looks[looks.length - 1]?.id;
                const others = unmanagedLooks(looks, first);
                if (others.length) {
                    throw new UserError(
                        `avatar group "${props.name ?? id}" (${id}) still holds ${others.length} look${others.length > 1 ? "s" : ""} this stack does not manage, ` +
                            `and HeyGen deletes a group with all its looks: ${others.map((l) => `"${l.name}" (${l.id}, ${l.avatar_type})`).join(", ")}. ` +
                            "Delete them in HeyGen, or declare them in this stack (adoptLookId), or, to delete them with the group, set forceDestroy: true " +
                            `on the group and apply that alone with \`${targetedUp(props.__urn)}\` (a plain \`pulumi up\` after a partial destroy ` +
                            "would create again what the destroy already deleted), then run the destroy (or replacement) again",
                    );
                }
            }
            await orGone(() => api.deleteGroup(id));
            await releaseAssets(api, props.uploadedAssetIds, "gone", true);
        } catch (e) {
            throw explain(e, `deleting avatar group ${id}`);
        }
    },
};

/** Pure: the looks of a group other than its own first look, which a group delete would take with it. */
export function unmanagedLooks<L extends { id: string }>(looks: L[], firstLookId: string | undefined): L[] {
    return looks.filter((l) => l.id !== firstLookId);
}

/**
 * Waits for the first look per `waitFor`, then reports the group; partial creates keep it in state.
 * `known` is a current copy of the group, if the caller has one; after waiting it is read afresh, since
 * the group's status follows its looks.
 */
async function settle(api: HeyGenClient, groupId: string, known: AvatarGroupItem | undefined, look: AvatarLookItem, inputs: Record<string, unknown>, extra: Record<string, unknown>) {
    const kind = KINDS[firstLookOf(inputs).type as FirstLookType];
    const wait = (inputs.waitFor as LookWait | undefined) ?? kind.defaultWait;
    const timeoutMs = ((inputs.timeoutSeconds as number | undefined) ?? kind.defaultTimeoutSeconds) * 1000;
    let current = look;
    const outsOf = (g: AvatarGroupItem) => ({
        ...pick(inputs, INPUTS), ...groupOutputs(g), declaredName: inputs.name,
        firstLookId: look.id, firstLookName: current.name, firstLookStatus: current.status, ...extra,
    });
    let group = wait === "trained" ? undefined : known;
    if (wait === "trained" && !waitIsOver(look.status)) {
        const r = await waitUntil(() => api.getLook(look.id), (l) => waitIsOver(l.status), timeoutMs, undefined, { what: "first look training", status: (l) => l.status ?? "unknown", urn: inputs.__urn });
        current = r.value;
        if (!r.done) {
            group = await api.getGroup(groupId);
            throw partialCreate(
                `avatar group "${inputs.name}": its first look is still ${current.status} after ${timeoutMs / 1000} s; it is recorded in state. ` +
                    "Run `pulumi up` again to keep waiting, raise timeoutSeconds, or set waitFor: \"created\"",
                group.id, outsOf(group), inputs,
            );
        }
    }
    group ??= await api.getGroup(groupId);
    if (current.status === "failed") {
        throw partialCreate(
            `avatar group "${inputs.name}" (${group.id}): its first look failed to train: ${current.error?.message ?? "no reason given"}${current.error?.code ? ` (${current.error.code})` : ""}. ${FAILED_ADVICE}`,
            group.id, outsOf(group), inputs,
        );
    }
    return { id: group.id, outs: outsOf(group) };
}

/**
 * Makes the declared first look again in an existing group (it was deleted outside this program), once:
 * through the same create-once path as any look, under an identity of its own (the group's and
 * `#firstLook`), so a dropped connection or a server that ignores keys never makes two.
 */
async function createFirstLook(api: HeyGenClient, groupId: string, inputs: Record<string, unknown>) {
    const fl = firstLookOf(inputs);
    const kind = KINDS[fl.type as FirstLookType];
    const identity = typeof inputs.__identity === "string" ? `${inputs.__identity}#firstLook` : undefined;
    const { outcome, uploadedAssetIds } = await createLookOnce(api, kind, {
        identity, groupId, name: lookName(inputs), source: fl, keyInputs: { groupId, firstLook: fl, name: lookName(inputs) },
    });
    const look = "created" in outcome ? outcome.created.avatar_item : await api.getLook(outcome.found.id);
    return { look, uploadedAssetIds, identity };
}

/**
 * What adopting `adoptGroupId` means, with reads only: take the group (after checking it is what the program
 * declares: its name, its first look's type and name, owned by no other resource), make one from the first
 * look's source instead (it is gone, or it is this resource's own group being replaced), or failures naming
 * what to change. `check` reports it at preview; `create` acts on it.
 */
export async function groupAdoption(api: HeyGenClient, inputs: Record<string, unknown>): Promise<{ plan: AdoptionPlan; group?: AvatarGroupItem; first?: AvatarLookItem; failures: Failure[]; warnings: string[] }> {
    const id = inputs.adoptGroupId as string;
    const fl = firstLookOf(inputs);
    const kind = KINDS[fl.type as FirstLookType];
    const group = await orGone(() => api.getGroup(id));
    const plan = planAdoption({
        what: `avatar group "${String(inputs.name)}"`, adoptInput: "adoptGroupId", adoptId: id, sourceInput: `firstLook.${kind.sourceInput}`,
        hasSource: firstLookHasSource(inputs), exists: !!group, ownedBefore: ownedBefore(inputs.__identity, id),
    });
    const failures: Failure[] = [];
    if (plan.action === "fail") failures.push({ property: plan.property, reason: plan.reason });
    if (plan.action !== "adopt" || !group) return { plan, failures, warnings: plan.action === "create" ? [plan.warning] : [] };
    if (group.status === null) return { plan, group, failures: [{ property: "adoptGroupId", reason: `${id} is one of HeyGen's public avatars; only your own groups can be adopted` }], warnings: [] };
    if (group.name !== inputs.name) {
        failures.push({ property: "name", reason: `group ${id} is named "${group.name}" and groups cannot be renamed: set name to "${group.name}"` });
    }
    let first: AvatarLookItem | undefined;
    for await (const l of api.allLooks({ group_id: id })) first = l; // newest first: the last one is the first look
    if (!first) failures.push({ property: "adoptGroupId", reason: `group ${id} has no looks` });
    else if (first.avatar_type !== kind.avatarType) {
        failures.push({ property: "firstLook.type", reason: `the first look of group ${id} is a ${first.avatar_type}: declare firstLook with the matching type` });
    } else if (first.name !== lookName(inputs)) {
        failures.push({
            property: "firstLook.name",
            reason: `the first look of group ${id} is named "${first.name}": declare that name to adopt it as it is${kind.renamable ? " (rename it afterwards with an update)" : ""}`,
        });
    }
    const other = claim(id, inputs.__identity) ?? (first ? claim(first.id, inputs.__identity) : undefined);
    if (other) failures.push({ property: "adoptGroupId", reason: `group ${id} (or its first look) is managed by ${describeIdentity(other)} in this stack already: adopt it once` });
    return { plan, group, first, failures, warnings: [] };
}

/** Registered as undefined for the outputs to appear on the object; `groupId` is the resource's id (below). */
const OUTPUT_SEED: OutputSeed<AvatarGroupOutputs, "groupId"> = {
    firstLookId: undefined, firstLookName: undefined, firstLookStatus: undefined, looksCount: undefined, status: undefined,
    consentStatus: undefined, previewImageUrl: undefined, previewVideoUrl: undefined, gender: undefined, defaultVoiceId: undefined,
    createdAt: undefined, error: undefined, uploadedAssetIds: undefined, declaredName: undefined, name: undefined,
};

export interface AvatarGroup extends Outputs<AvatarGroupOutputs> {}

/** An avatar group (a character), created together with its first look. */
export class AvatarGroup extends HeyGenResource {
    constructor(name: string, args: AvatarGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super("avatarGroup", "AvatarGroup", name, { ...OUTPUT_SEED, ...args, __identity: identity("AvatarGroup", name, opts) }, opts);
        derive<AvatarGroup>(this, { groupId: this.id });
    }
}
