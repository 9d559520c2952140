// What the three look resources (photo, prompt, digital twin) share: their outputs, their lifecycle
// (create once with an Idempotency-Key, wait per `waitFor`, record partial creates, rename in place,
// refresh, delete) and the diff rule. Each kind supplies its own checks and create body.
import * as pulumi from "@pulumi/pulumi";
import type { AvatarLookItem, AvatarType, CreateAvatarRequest, CreateAvatarResponse, CreateType, LookStatus } from "../../api/schema";
import type { ENGINES } from "../../api/constants";
import type { HeyGenClient } from "../client";
import { type FileKind, type StoredFileSource, checkFileSource, fileIdentity, toApiFile } from "../files";
import { tell, warn } from "../progress";
import { type AdoptionPlan, ownedBefore, planAdoption } from "./adoption";
import { claim, describeIdentity, nameKey } from "./owners";
import { forgetListings, readLook } from "./lookReads";
import { journal, releaseAssets, withAssetsReleased } from "./uploadedAssets";
import { client } from "../config";
import {
    type DiffRules, type Failure, PartialCreateError, checkForceDestroy, checkId, checkKey, checkName, checkWaitInputs, containsUnknown,
    decideDiff, decideFixedName, adoptionBlocksReplace, unknownReplaceWarnings, explain, isUnknown, orGone, partialCreate, pick, toDiffResult,
    hiddenChanged, sourceBlocksReplace, UserError, waitUntil, withoutUndefined,
} from "./common";
import { type CreateOutcome, createOnce, looksOfGroup } from "./createOnce";
import { HeyGenResource, type OutputSeed, derive, type Outputs } from "./resource";
import { identity } from "../identity";
import type { ResourceKind } from "../shim";

type Engine = (typeof ENGINES)[number];

/** Everything a look resource outputs, mirroring HeyGen's AvatarLookItem. */
export interface LookOutputs {
    /** The look's id: pass it as `avatar_id` to POST /v3/videos. It is the resource's id. */
    lookId: string;
    /**
     * The avatar group (character) the look belongs to: the declared group, as a different one replaces the
     * look. It depends on this look, so a ConsentRequest given a digital twin's `groupId` is asked only once
     * the twin exists.
     */
    groupId: string;
    /** The look's name as HeyGen has it. */
    name: string;
    /** The name the program declared (differs from `name` only for a prompt look renamed outside: HeyGen cannot rename it back). */
    declaredName?: string;
    /** `photo_avatar` (photo and prompt looks) or `digital_twin`. */
    avatarType: AvatarType;
    /** `processing`, `pending_consent` (a digital twin before consent), `completed` or `failed`. */
    status: LookStatus | null;
    /** Why training failed, when `status` is `failed`. */
    error: { code: string; message: string } | null;
    /** A preview image, set once training completed (a look is usable only then). */
    previewImageUrl: string | null;
    /** A preview video, set once training completed. */
    previewVideoUrl: string | null;
    /** Engines that can render this look (`avatar_v`, `avatar_iv`, `avatar_iii`). */
    supportedEngines: Engine[];
    /** The look's width in pixels, once known. */
    imageWidth: number | null;
    /** The look's height in pixels, once known. */
    imageHeight: number | null;
    /** The framing videos with this look suit best. */
    preferredOrientation: "portrait" | "landscape" | "square" | null;
    /** As HeyGen detected it (e.g. `female`, `male`). */
    gender: string | null;
    /** The voice HeyGen suggests for this look. */
    defaultVoiceId: string | null;
    /** HeyGen's tags for the look. */
    tags: string[];
    /** Assets this resource uploaded for its files (local paths, base64); deleted with the look. */
    uploadedAssetIds?: string[];
}

export function lookOutputs(l: AvatarLookItem): Omit<LookOutputs, "uploadedAssetIds"> {
    return {
        lookId: l.id, groupId: l.group_id, name: l.name, avatarType: l.avatar_type, status: l.status, error: l.error ?? null,
        previewImageUrl: l.preview_image_url, previewVideoUrl: l.preview_video_url, supportedEngines: l.supported_api_engines as Engine[],
        imageWidth: l.image_width, imageHeight: l.image_height, preferredOrientation: l.preferred_orientation as LookOutputs["preferredOrientation"],
        gender: l.gender, defaultVoiceId: l.default_voice_id, tags: l.tags,
    };
}

const FINISHED_TRAINING = ["completed", "failed"];

/** What a user does with a look (or group) whose training failed: nothing is made again by itself. */
export const FAILED_ADVICE =
    "It is recorded in state as failed and is not created again (each create costs credits) until its inputs change, " +
    "or you ask for a new one with `pulumi up --replace <its URN>` (`pulumi stack --show-urns` lists them)";

/** Where waiting for training ends: training is over, or it waits for a person's consent. */
export const waitIsOver = (status: string | null) => FINISHED_TRAINING.includes(status ?? "") || status === "pending_consent";

export type LookWait = "created" | "trained";

/**
 * Arguments whose source (`Source`: the file or prompt a new object is made from) is required, unless the
 * object is adopted (`Adoption`: its id given), when it may be left out: an adopted object is managed like
 * any other, but it cannot be made again without its source (`preview` says so when it would have to be).
 */
export type Adoptable<Source, Adoption> = (Source & Partial<Adoption>) | (Partial<Source> & Adoption);

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

export interface LookKind {
    /** The resource's type name, for messages. */
    title: string;
    createType: CreateType;
    avatarType: AvatarType;
    /** Kind-specific inputs: all of them force replacement. */
    sourceInputs: readonly string[];
    /** The input a new look is made from; only an adopted look may leave it out. */
    sourceInput: string;
    /** HeyGen renames photo and digital twin looks only. */
    renamable: boolean;
    defaultWait: LookWait;
    defaultTimeoutSeconds: number;
    /** Validates and normalizes the kind's own inputs; `optional`: the look is adopted, so its source may be absent. */
    checkSource(news: Record<string, unknown>, failures: Failure[], optional?: boolean): Record<string, unknown>;
    /** The create body's type-specific part, uploading local files first. */
    createBody(inputs: Record<string, unknown>, api: HeyGenClient, key: string): Promise<{ body: Partial<CreateAvatarRequest>; uploadedAssetIds: string[] }>;
}

// `__identity` is kept in state with the inputs so that `read` gives it back: otherwise an update after a
// refresh that found drift would list the hidden input as changed.
export const LOOK_COMMON_INPUTS = ["groupId", "name", "adoptLookId", "waitFor", "timeoutSeconds", "forceDestroy", "__identity"] as const;

/** A look made from one file (a photo, or a digital twin's footage): the input holding it is its source. */
export function singleFileKind(k: Omit<LookKind, "sourceInputs" | "sourceInput" | "checkSource" | "createBody"> & { input: string; file: FileKind }): LookKind {
    const { input, file, ...rest } = k;
    return {
        ...rest,
        sourceInputs: [input],
        sourceInput: input,
        checkSource(news, failures, optional) {
            if (news[input] === undefined || news[input] === null) {
                if (!optional) failures.push({ property: input, reason: "is required: give { url }, { path }, { assetId } or { base64, mediaType } (only an adopted look, with adoptLookId, may leave it out)" });
                return {};
            }
            return { [input]: checkFileSource(news[input], input, file, failures) };
        },
        async createBody(inputs, api, key) {
            const { file: f, uploadedAssetId } = await toApiFile(inputs[input] as StoredFileSource, input, api, `${key}:${input}`);
            return { body: { file: f }, uploadedAssetIds: uploadedAssetId ? [uploadedAssetId] : [] };
        },
    };
}

/** Files compare by what HeyGen gets (their bytes' hash), not by how they are given. */
const FILE_VIEWS = { image: fileIdentity, footage: fileIdentity, referenceImages: fileIdentity };

/**
 * What a change of each input does. Adoption ids are in neither list: they matter only at create. A
 * prompt look's name is decided apart (decideLookDiff): HeyGen cannot rename it, in either direction.
 */
export function lookDiffRules(kind: LookKind): DiffRules {
    return {
        updatable: kind.renamable ? ["name", "waitFor", "timeoutSeconds", "forceDestroy"] : ["waitFor", "timeoutSeconds", "forceDestroy"],
        replacing: ["groupId", ...kind.sourceInputs],
        views: FILE_VIEWS,
    };
}

/** A look's diff, from its old state (outputs: HeyGen's view plus what was declared) and its new inputs. */
export function decideLookDiff(kind: LookKind, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const warnings: string[] = [];
    const d = decideDiff(olds, news, lookDiffRules(kind));
    if (!kind.renamable) {
        switch (decideFixedName(olds.declaredName, olds.name, news.name)) {
            case "record":
                d.changes = true;
                d.changed.push("name");
                break;
            case "drift":
                warnings.push(
                    `${kind.title} "${String(news.name)}" is named "${String(olds.name)}" in HeyGen (renamed outside this program). HeyGen cannot rename ` +
                        `${kind.title}s, so nothing is changed: set name to "${String(olds.name)}" to accept it (a new name would replace the look)`,
                );
                break;
            case "replace":
                d.changes = true;
                d.changed.push("name");
                d.replaces.push("name");
                break;
        }
    }
    // A look whose training failed stays as it is (recorded as failed) until its inputs change or the user
    // asks for a new one with `pulumi up --replace`: every create costs credits.
    if (hiddenChanged(olds, news) && !d.changes) {
        d.changes = true;
        d.changed.push("__urn");
    }
    return { ...toDiffResult(d), warnings };
}

const inputKeys = (kind: LookKind) => [...LOOK_COMMON_INPUTS, ...kind.sourceInputs];

export function lookHandlers(kind: LookKind) {
    const describe = (inputs: Record<string, unknown>) => `${kind.title} "${inputs.name}"`;
    const waitFor = (inputs: Record<string, unknown>) => (inputs.waitFor as LookWait | undefined) ?? kind.defaultWait;
    const timeoutMs = (inputs: Record<string, unknown>) => ((inputs.timeoutSeconds as number | undefined) ?? kind.defaultTimeoutSeconds) * 1000;

    /** Waits per `waitFor`; failed or unfinished training becomes a partial create that keeps the look in state. */
    async function settle(api: HeyGenClient, look: AvatarLookItem, inputs: Record<string, unknown>, extra: Record<string, unknown>) {
        const outsOf = (l: AvatarLookItem) => ({ ...stored(inputs), ...lookOutputs(l), declaredName: inputs.name, ...extra });
        if (waitFor(inputs) !== "trained" || waitIsOver(look.status)) {
            return finish(look);
        }
        // A twin waiting for consent stops the wait at once: consent needs a person, and the ConsentRequest
        // that asks for it may only be created after this resource.
        const r = await waitUntil(() => api.getLook(look.id), (l) => waitIsOver(l.status), timeoutMs(inputs), undefined, { what: "training", status: (l) => l.status ?? "unknown", urn: inputs.__urn });
        if (!r.done) {
            throw partialCreate(
                `${describe(inputs)} is still ${r.value.status} after ${timeoutMs(inputs) / 1000} s; it is recorded in state. ` +
                    "Run `pulumi up` again to keep waiting, raise timeoutSeconds, or set waitFor: \"created\"",
                look.id, outsOf(r.value), inputs,
            );
        }
        return finish(r.value);

        function finish(l: AvatarLookItem) {
            if (l.status === "failed") {
                throw partialCreate(
                    `${describe(inputs)} (${l.id}) failed to train: ${l.error?.message ?? "no reason given"}${l.error?.code ? ` (${l.error.code})` : ""}. ` +
                        FAILED_ADVICE,
                    l.id, outsOf(l), inputs,
                );
            }
            if (l.status === "pending_consent") {
                console.error(`heygen: ${describe(inputs)} waits for consent; approve it through a ConsentRequest's url, then \`pulumi refresh\``);
            }
            return { id: l.id, outs: outsOf(l) };
        }
    }

    const stored = (inputs: Record<string, unknown>) => pick(inputs, inputKeys(kind));
    const hasSource = (inputs: Record<string, unknown>) => inputs[kind.sourceInput] !== undefined && inputs[kind.sourceInput] !== null;

    return {
        async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
            const failures: Failure[] = [];
            checkId(news.groupId, "groupId", failures, true);
            checkName(news.name, "name", failures);
            checkId(news.adoptLookId, "adoptLookId", failures, false);
            checkWaitInputs(news, ["created", "trained"], failures);
            checkForceDestroy(news, failures);
            const source = kind.checkSource(news, failures, news.adoptLookId !== undefined && news.adoptLookId !== null);
            const inputs = withoutUndefined({ ...news, ...source });
            // Two looks of one group with one name: a killed run's look is found again by its name.
            const twin = claim(nameKey(inputs.groupId, inputs.name), inputs.__identity);
            if (twin) failures.push({ property: "name", reason: `"${String(inputs.name)}" is also the name of a look managed by ${describeIdentity(twin)} in group ${String(inputs.groupId)}: give the looks of a group distinct names` });
            // With reads only, what would fail at `up`: the key, the group it joins, and the look it adopts
            // (only when the resource is created).
            if (failures.length === 0) failures.push(...(await checkKeyAndGroup(olds, inputs)));
            const creating = Object.keys(olds ?? {}).length === 0;
            if (failures.length === 0 && creating && typeof inputs.adoptLookId === "string" && !isUnknown(inputs.adoptLookId)) {
                const adoption = await lookAdoption(client(), inputs);
                failures.push(...adoption.failures);
                if (!adoption.failures.length) for (const w of adoption.warnings) await warn(w, inputs.__urn);
            } else if (failures.length === 0 && creating && !hasSource(inputs)) {
                failures.push({ property: kind.sourceInput, reason: "is required to make the look (only an adopted look, with adoptLookId, may leave it out)" });
            }
            return { inputs, failures };
        },

        async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
            const { warnings, ...result } = decideLookDiff(kind, olds, news);
            const blocked = adoptionBlocksReplace(id, result.replaces, news.adoptLookId, describe(news), "adoptLookId") ??
                sourceBlocksReplace(describe(news), result.replaces, kind.sourceInput, news[kind.sourceInput]);
            if (blocked) throw new UserError(blocked);
            const other = claim(id, news.__identity) ?? claim(nameKey(news.groupId, news.name), news.__identity);
            if (other) throw new UserError(`${describe(news)} (${id}) is also managed by ${describeIdentity(other)}: two resources managing one look would delete it under each other; remove one of them (or its adoptLookId)`);
            const declined = consentDeclinedWarning(describe(news), id, olds);
            for (const w of [...warnings, ...(declined ? [declined] : []), ...unknownReplaceWarnings(describe(news), result.replaces, news)]) await warn(w, news.__urn);
            return result;
        },

        async create(inputs: Record<string, unknown>) {
            const api = client();
            forgetListings();
            if (inputs.adoptLookId) {
                let adoption;
                try {
                    adoption = await lookAdoption(api, inputs);
                    if (adoption.failures.length) throw new UserError(adoption.failures.map((f) => `${f.property} ${f.reason}`).join("; "));
                    if (adoption.look) return await adopt(api, inputs, adoption.look);
                } catch (e) {
                    throw explain(e, `creating ${describe(inputs)}`);
                }
                for (const w of adoption.warnings) await warn(w, inputs.__urn);
            }
            if (!hasSource(inputs)) throw new UserError(`creating ${describe(inputs)}: ${kind.sourceInput} is needed to make it`);
            // Until HeyGen accepted the create, a failure leaves nothing behind to record.
            const groupId = inputs.groupId as string;
            let made: MadeLook;
            try {
                made = await createLookOnce(api, kind, {
                    identity: inputs.__identity, groupId, name: inputs.name as string, source: inputs,
                    keyInputs: pick(inputs, ["groupId", "name", ...kind.sourceInputs]),
                });
            } catch (e) {
                throw explain(e, `creating ${describe(inputs)}`);
            }
            const { outcome, uploadedAssetIds } = made;
            const prepared = { uploadedAssetIds };
            // From here on the look exists: whatever fails, it is recorded with its id (a partial create).
            const extra = prepared?.uploadedAssetIds.length ? { uploadedAssetIds: prepared.uploadedAssetIds } : {};
            const id = "created" in outcome ? outcome.created.avatar_item.id : outcome.found.id;
            let known: Record<string, unknown> = "created" in outcome
                ? { ...stored(inputs), ...lookOutputs(outcome.created.avatar_item), ...extra }
                : { ...stored(inputs), lookId: id, groupId, name: outcome.found.name, avatarType: outcome.found.type };
            try {
                const look = "created" in outcome ? outcome.created.avatar_item : await api.getLook(id);
                known = { ...stored(inputs), ...lookOutputs(look), ...extra };
                return await withAssetsReleased(api, settle(api, look, inputs, extra));
            } catch (e) {
                if (e instanceof PartialCreateError) throw e;
                journal.forget(prepared?.uploadedAssetIds); // recorded with the partial create
                throw partialCreate(
                    `${describe(inputs)} was created (${id}), then: ${explain(e, "waiting for it").message}. It is recorded in state; the next \`pulumi up\` carries on`,
                    id, known, inputs,
                );
            }
        },

        async read(id: string, props: Record<string, unknown>) {
            const look = await readLook(client(), id, props.groupId);
            if (!look) return {};
            const declaredName = (props.declaredName ?? props.name) as string;
            const outs = { ...props, ...lookOutputs(look), declaredName };
            // The inputs that describe what exists now, so a later preview shows real drift and nothing else:
            // a renamed photo or twin look is renamed back; a prompt look cannot be, so its declared name stays.
            const inputs = { ...pick(props, inputKeys(kind)), name: kind.renamable ? look.name : declaredName, groupId: look.group_id };
            if (!kind.renamable && look.name !== declaredName) {
                await warn(`${kind.title} "${declaredName}" (${id}) was renamed to "${look.name}" outside this program; HeyGen cannot rename it back, so \`up\` leaves it: set name to "${look.name}" to accept it`, props.__urn);
            }
            await tellMoved(props, outs);
            return { id, props: outs, inputs };
        },

        async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
            const api = client();
            forgetListings();
            const extra = olds.uploadedAssetIds ? { uploadedAssetIds: olds.uploadedAssetIds } : {};
            let look: AvatarLookItem;
            try {
                if (kind.renamable && olds.name !== news.name) look = await api.renameLook(id, news.name as string);
                else look = await api.getLook(id);
            } catch (e) {
                throw explain(e, `updating ${describe(news)}`);
            }
            // Once the rename is applied, it is recorded whatever fails next.
            try {
                return { outs: (await withAssetsReleased(api, settle(api, look, news, extra))).outs };
            } catch (e) {
                if (e instanceof PartialCreateError) throw e;
                throw partialCreate(`updating ${describe(news)}: ${explain(e, "waiting for it").message}`, id, { ...stored(news), ...lookOutputs(look), ...extra }, news);
            }
        },

        async delete(id: string, props: Record<string, unknown> = {}) {
            forgetListings();
            const api = client();
            try {
                // HeyGen deletes a group with its last look: never take a group this look does not own with it.
                const groupId = props.forceDestroy ? undefined : typeof props.groupId === "string" ? props.groupId : (await orGone(() => api.getLook(id)))?.group_id;
                const group = groupId ? await orGone(() => api.getGroup(groupId)) : undefined;
                if (group && group.looks_count <= 1) {
                    const still = await orGone(() => api.getLook(id));
                    if (still && still.group_id === group.id) {
                        throw new UserError(
                            `${kind.title} "${still.name}" (${id}) is the last look of avatar group "${group.name}" (${group.id}), and HeyGen deletes a group ` +
                                "with its last look. Deleting it would delete the group too. Delete the group instead, add another look to it first, " +
                                `or set forceDestroy: true on this look and apply that alone with \`${targetedUp(props.__urn)}\` (a plain \`pulumi up\` after ` +
                                "a partial destroy would create again what the destroy already deleted), then run the destroy again to delete both",
                        );
                    }
                }
                await orGone(() => api.deleteLook(id));
                await releaseAssets(api, props.uploadedAssetIds, "gone", true);
            } catch (e) {
                throw explain(e, `deleting ${kind.title} ${id}`);
            }
        },
    };

    /**
     * What adopting `adoptLookId` means, with reads only: take the look (after checking it is the one
     * declared: type, group, name, owned by no other resource), make one from the source instead (it is
     * gone, or it is this resource's own object being replaced), or a failure naming what to change.
     * `check` reports it at preview; `create` acts on it.
     */
    async function lookAdoption(api: HeyGenClient, inputs: Record<string, unknown>): Promise<{ plan: AdoptionPlan; look?: AvatarLookItem; failures: Failure[]; warnings: string[] }> {
        const id = inputs.adoptLookId as string;
        const look = await orGone(() => api.getLook(id));
        const plan = planAdoption({
            what: describe(inputs), adoptInput: "adoptLookId", adoptId: id, sourceInput: kind.sourceInput, hasSource: hasSource(inputs),
            exists: !!look, ownedBefore: ownedBefore(inputs.__identity, id),
        });
        const failures: Failure[] = [];
        const warnings: string[] = [];
        if (plan.action === "fail") failures.push({ property: plan.property, reason: plan.reason });
        if (plan.action === "create") warnings.push(plan.warning);
        if (plan.action !== "adopt" || !look) return { plan, failures, warnings };
        if (look.avatar_type !== kind.avatarType) {
            failures.push({ property: "adoptLookId", reason: `look ${id} is a ${look.avatar_type}, not a ${kind.avatarType}: declare it with the matching resource` });
        } else if (!isUnknown(inputs.groupId) && look.group_id !== inputs.groupId) {
            // What is not known yet (a group adopted in the same run) is checked by `up`.
            failures.push({ property: "groupId", reason: `look ${id} belongs to group ${look.group_id}, not ${String(inputs.groupId)}: set groupId to ${look.group_id}` });
        } else if (!isUnknown(inputs.name) && look.name !== inputs.name) {
            failures.push({ property: "name", reason: `look ${id} is named "${look.name}": declare that name to adopt it as it is${kind.renamable ? " (rename it afterwards with an update)" : ""}` });
        }
        const other = claim(id, inputs.__identity);
        if (other) {
            failures.push({ property: "adoptLookId", reason: `look ${id} is managed by ${describeIdentity(other)} in this stack already: two resources managing one look would delete it under each other; adopt it once` });
        }
        // HeyGen's answer does not tell a look generated from a prompt from one trained on a photo.
        if (kind.createType === "prompt") {
            warnings.push(`${describe(inputs)}: HeyGen's answer does not say whether look ${id} (${look.avatar_type}) was generated from a prompt or trained on a photo: ` +
                "make sure it is a prompt look (a photo look belongs in a PhotoLook, which can be renamed in place)");
        }
        return { plan, look, failures, warnings };
    }

    /** Takes an existing look under management: checked as at preview, renamed to the declared name if it may be. */
    async function adopt(api: HeyGenClient, inputs: Record<string, unknown>, look: AvatarLookItem) {
        let current = look;
        if (look.name !== inputs.name) {
            if (!kind.renamable) throw new UserError(`adoptLookId: look ${look.id} is named "${look.name}" and ${kind.title} names cannot change; set name to "${look.name}"`);
            current = await api.renameLook(look.id, inputs.name as string);
        }
        return settle(api, current, inputs, {});
    }
}

export interface MadeLook {
    outcome: CreateOutcome<CreateAvatarResponse["data"]>;
    /** Assets uploaded for the look's files (local paths, base64). */
    uploadedAssetIds: string[];
}

/**
 * Makes a look in an existing group once (createOnce: a key from `identity`, the journal, looking before
 * sending again): a look resource's create, and a group's first look made again after it was deleted in
 * HeyGen. `source` holds the kind's source inputs; uploads made for a create that failed are released.
 */
export async function createLookOnce(
    api: HeyGenClient, kind: LookKind,
    spec: { identity: unknown; groupId: string; name: string; source: Record<string, unknown>; keyInputs: unknown },
): Promise<MadeLook> {
    const { groupId, name } = spec;
    let prepared: Awaited<ReturnType<LookKind["createBody"]>> | undefined;
    try {
        const outcome = await createOnce({
            identity: spec.identity,
            keyInputs: spec.keyInputs,
            want: { name, type: kind.avatarType },
            list: async () => (await looksOfGroup(api, groupId)).map((l) => ({ id: l.id, name: l.name, type: l.avatar_type })),
            async byId(id) {
                const l = await orGone(() => api.getLook(id));
                return l && l.group_id === groupId ? { id: l.id, name: l.name, type: l.avatar_type } : undefined;
            },
            timed: false,
            async send(key) {
                prepared ??= await kind.createBody(spec.source, api, key);
                return api.createAvatar({ type: kind.createType, name, avatar_group_id: groupId, ...prepared.body } as CreateAvatarRequest, key, { lookBeforeResend: true });
            },
            idOf: (c) => c.avatar_item.id,
            exists: async (c) => (await orGone(() => api.getLook(c.avatar_item.id))) !== undefined,
            stillRunningMs: api.timeoutMs("writeMs"),
        });
        return { outcome, uploadedAssetIds: prepared?.uploadedAssetIds ?? [] };
    } catch (e) {
        await releaseAssets(api, prepared?.uploadedAssetIds, "gone"); // no look was made from them
        throw e;
    }
}

/**
 * At preview, with reads only: the key (once a run, see checkKey) and the group the resource joins (when it
 * changes and is known), both at once: the engine checks one resource at a time, so the first check of a
 * preview holds up all others. The key's answer decides: a rejected key fails the group read too, and after
 * a switch to the fallback key (HEYGEN_API_KEY, refresh and destroy only) the group is read again with it.
 */
export async function checkKeyAndGroup(olds: Record<string, unknown> | undefined, inputs: Record<string, unknown>): Promise<Failure[]> {
    const groupId = typeof inputs.groupId === "string" && !isUnknown(inputs.groupId) && olds?.groupId !== inputs.groupId ? inputs.groupId : undefined;
    if (groupId === undefined) {
        await checkKey();
        return [];
    }
    const joinable = checkJoinableGroup(client, groupId);
    joinable.catch(() => undefined); // the key's failure, if any, is the one reported
    await checkKey();
    return joinable.catch(() => checkJoinableGroup(client, groupId));
}

/**
 * At preview, with reads only: the group a look joins exists and is the account's own (HeyGen's public
 * groups take no looks). Read once per process and group.
 */
const groupChecks = new Map<string, Promise<Failure[]>>();
function checkJoinableGroup(api: () => HeyGenClient, groupId: string): Promise<Failure[]> {
    let r = groupChecks.get(groupId);
    if (!r) {
        r = (async () => {
            const g = await orGone(() => api().getGroup(groupId));
            if (!g) return [{ property: "groupId", reason: `no avatar group ${groupId} exists in this HeyGen account: use an AvatarGroup's groupId` }];
            // HeyGen reports a status for private groups only.
            if (g.status === null) return [{ property: "groupId", reason: `${groupId} ("${g.name}") is one of HeyGen's public avatars, which take no new looks: use one of your own groups (an AvatarGroup's groupId)` }];
            return [];
        })();
        r.catch(() => groupChecks.delete(groupId));
        groupChecks.set(groupId, r);
    }
    return r;
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

/** Registered as undefined for the outputs to appear on the object; the class derives the others. */
const LOOK_OUTPUT_SEED: OutputSeed<LookOutputs, DerivedLookOutput> = {
    name: undefined, declaredName: undefined, status: undefined, error: undefined, previewImageUrl: undefined,
    previewVideoUrl: undefined, supportedEngines: undefined, imageWidth: undefined, imageHeight: undefined,
    preferredOrientation: undefined, gender: undefined, defaultVoiceId: undefined, tags: undefined, uploadedAssetIds: undefined,
};

/**
 * Outputs that an update can never change come from what is known before applying: `lookId` is the
 * resource's id, `groupId` the declared group (a different group replaces the look), `avatarType` the kind.
 * The engine leaves other outputs of an updated resource unknown during a preview; these stay known, so
 * what uses them is not shown as replaced.
 */
type DerivedLookOutput = "lookId" | "groupId" | "avatarType";

export interface LookResource extends Outputs<LookOutputs> {}

/** The outputs and registration every look resource shares; each kind's class adds its constructor. */
export abstract class LookResource extends HeyGenResource {
    protected constructor(
        resource: ResourceKind, type: string, name: string, args: { groupId: pulumi.Input<string> } & object, kind: LookKind, opts: pulumi.CustomResourceOptions | undefined,
    ) {
        super(resource, type, name, { ...LOOK_OUTPUT_SEED, ...args, __identity: identity(type, name, opts) }, opts);
        derive<LookResource>(this, {
            lookId: this.id,
            groupId: this.urn.apply(() => pulumi.output(args.groupId)),
            avatarType: this.urn.apply(() => kind.avatarType),
        });
    }
}
