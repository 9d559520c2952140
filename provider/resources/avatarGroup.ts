// AvatarGroup: a character identity ("Sarah"). HeyGen has no call that creates an empty group: a group is
// born with its first look, so the group declares that look too. Groups cannot be renamed: a new name, or
// a different first look, makes a new group. The first look's name (photo and digital twin) changes in place.
import * as pulumi from "@pulumi/pulumi";
import type { AvatarGroupItem, AvatarLookItem, CreateAvatarRequest } from "../../api/schema";
import { type HeyGenClient, newIdempotencyKey } from "../client";
import { client } from "../config";
import type { FileSource } from "../files";
import { providerFor } from "../shim";
import {
    type Failure, UNKNOWN, checkId, checkKeyIfChanged, checkName, checkWaitInputs, decideDiff, explain, isUnknown,
    orGone, partialCreate, pick, toDiffResult, waitUntil,
} from "./common";
import { digitalTwinKind } from "./digitalTwinLook";
import { forgetListings } from "./lookReads";
import { releaseAssets, withAssetsReleased } from "./uploadedAssets";
import { type LookKind, type LookWait, waitIsOver } from "./looks";
import { photoKind } from "./photoLook";
import { promptKind } from "./promptLook";

export type FirstLookType = "photo" | "prompt" | "digital_twin";

/** The look the group is born with: the same fields as the matching look resource. */
export interface FirstLookArgs {
    type: pulumi.Input<FirstLookType>;
    /** Defaults to the group's name. Photo and digital twin looks can be renamed in place. */
    name?: pulumi.Input<string>;
    /** For `photo`. */
    image?: pulumi.Input<FileSource>;
    /** For `digital_twin`. */
    footage?: pulumi.Input<FileSource>;
    /** For `prompt`. */
    prompt?: pulumi.Input<string>;
    referenceImages?: pulumi.Input<pulumi.Input<FileSource>[]>;
}

export interface AvatarGroupArgs {
    /** The character's name (≤ 255). Groups cannot be renamed: a change replaces the group and its looks. */
    name: pulumi.Input<string>;
    /** The first look, created with the group. Changing anything but its name replaces the group. */
    firstLook: pulumi.Input<FirstLookArgs>;
    /** Take an existing group under management instead of creating one (checked against this declaration). */
    adoptGroupId?: pulumi.Input<string>;
    /** `trained` (default for photo and prompt) or `created` (default for digital twins). */
    waitFor?: pulumi.Input<LookWait>;
    /** How long to wait for the first look's training (default: the look kind's). */
    timeoutSeconds?: pulumi.Input<number>;
}

export interface AvatarGroupOutputs {
    /** The group's id; looks join the group with it. Also the resource's id. */
    groupId: string;
    /** The look the group was created with. */
    firstLookId: string;
    name: string;
    looksCount: number;
    /** `processing`, `pending_consent`, `completed` or `failed`: the least advanced of its looks. */
    status: string | null;
    /** `null` (no consent needed), `pending`, `approved`, `rejected`. */
    consentStatus: string | null;
    previewImageUrl: string | null;
    previewVideoUrl: string | null;
    gender: string | null;
    defaultVoiceId: string | null;
    /** Unix seconds. */
    createdAt: number;
    error: { code: string; message: string } | null;
}

const KINDS: Record<FirstLookType, LookKind> = { photo: photoKind, prompt: promptKind, digital_twin: digitalTwinKind };
const INPUTS = ["name", "firstLook", "adoptGroupId", "waitFor", "timeoutSeconds"] as const;

export function groupOutputs(g: AvatarGroupItem): Omit<AvatarGroupOutputs, "firstLookId"> {
    return {
        groupId: g.id, name: g.name, looksCount: g.looks_count, status: g.status, consentStatus: g.consent_status,
        previewImageUrl: g.preview_image_url, previewVideoUrl: g.preview_video_url, gender: g.gender,
        defaultVoiceId: g.default_voice_id, createdAt: g.created_at, error: g.error ?? null,
    };
}

const firstLookOf = (inputs: Record<string, unknown>) => (inputs.firstLook ?? {}) as Record<string, unknown>;
const lookName = (inputs: Record<string, unknown>) => (firstLookOf(inputs).name as string | undefined) ?? (inputs.name as string);

/** Splits the first look into what forces a new group (its source) and what changes in place (its name). */
export function groupDiffView(inputs: Record<string, unknown>): Record<string, unknown> {
    const fl = inputs.firstLook;
    if (isUnknown(fl)) return { ...inputs, firstLookSource: UNKNOWN, firstLookName: UNKNOWN };
    const { name, ...source } = (fl ?? {}) as Record<string, unknown>;
    // A prompt look's name cannot change in place.
    const renamable = source.type !== "prompt";
    return { ...inputs, firstLookSource: renamable ? source : { ...source, name }, firstLookName: renamable ? name ?? inputs.name : undefined };
}

export function decideGroupDiff(olds: Record<string, unknown>, news: Record<string, unknown>) {
    const d = decideDiff(groupDiffView(olds), groupDiffView(news), {
        replacing: ["name", "firstLookSource", "adoptGroupId"],
        updatable: ["firstLookName", "waitFor", "timeoutSeconds"],
    });
    const replaces = d.replaces.map((k) => (k === "firstLookSource" ? "firstLook" : k));
    // A group whose first look failed cannot be repaired in place.
    return toDiffResult({ ...d, replaces }, olds.status === "failed" ? "status" : undefined);
}

export const avatarGroupHandlers = {
    async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
        const failures: Failure[] = [];
        checkName(news.name, "name", failures);
        checkId(news.adoptGroupId, "adoptGroupId", failures, false);
        checkWaitInputs(news, ["created", "trained"], failures);
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
                const source = kind.checkSource(fl, own);
                failures.push(...own.map((f) => ({ ...f, property: `firstLook.${f.property}` })));
                const foreign = ["image", "footage", "prompt", "referenceImages"].filter((k) => fl[k] !== undefined && !kind.sourceInputs.includes(k));
                for (const k of foreign) failures.push({ property: `firstLook.${k}`, reason: `does not apply to a ${fl.type} look` });
                firstLook = { ...fl, ...source };
            }
        }
        const inputs = { ...news, firstLook };
        if (failures.length === 0) await checkKeyIfChanged(olds, inputs, INPUTS);
        return { inputs, failures };
    },

    async diff(_id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        return decideGroupDiff(olds, news);
    },

    async create(inputs: Record<string, unknown>) {
        const api = client();
        forgetListings();
        try {
            if (inputs.adoptGroupId) return await adopt(api, inputs);
            const fl = firstLookOf(inputs);
            const kind = KINDS[fl.type as FirstLookType];
            const key = newIdempotencyKey();
            const { body, uploadedAssetIds } = await kind.createBody(fl, api, key);
            const created = await api.createAvatar({ type: kind.createType, name: inputs.name as string, ...body } as CreateAvatarRequest, key)
                .catch(async (e) => Promise.reject((await releaseAssets(api, uploadedAssetIds, "gone"), e)));
            let look = created.avatar_item;
            if (lookName(inputs) !== look.name) look = await api.renameLook(look.id, lookName(inputs));
            return await withAssetsReleased(api, settle(api, created.avatar_group.id, created.avatar_group, look, inputs, uploadedAssetIds.length ? { uploadedAssetIds } : {}));
        } catch (e) {
            throw explain(e, `creating avatar group "${inputs.name}"`);
        }
    },

    async read(id: string, props: Record<string, unknown>) {
        const group = await orGone(() => client().getGroup(id));
        if (!group) return {};
        return { id, props: { ...props, ...groupOutputs(group) }, inputs: { ...pick(props, INPUTS), name: group.name } };
    },

    async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
        const api = client();
        forgetListings();
        try {
            const firstLookId = olds.firstLookId as string;
            const look = lookName(olds) !== lookName(news) ? await api.renameLook(firstLookId, lookName(news)) : await api.getLook(firstLookId);
            const extra = olds.uploadedAssetIds ? { uploadedAssetIds: olds.uploadedAssetIds } : {};
            return { outs: (await withAssetsReleased(api, settle(api, id, undefined, look, news, extra))).outs };
        } catch (e) {
            throw explain(e, `updating avatar group "${news.name}"`);
        }
    },

    async delete(id: string, props?: Record<string, unknown>) {
        forgetListings();
        try {
            await orGone(() => client().deleteGroup(id));
            await releaseAssets(client(), props?.uploadedAssetIds, "gone", true);
        } catch (e) {
            throw explain(e, `deleting avatar group ${id}`);
        }
    },
};

/**
 * Waits for the first look per `waitFor`, then reports the group; partial creates keep it in state.
 * `known` is a current copy of the group, if the caller has one; after waiting it is read afresh, since
 * the group's status follows its looks.
 */
async function settle(api: HeyGenClient, groupId: string, known: AvatarGroupItem | undefined, look: AvatarLookItem, inputs: Record<string, unknown>, extra: Record<string, unknown>) {
    const kind = KINDS[firstLookOf(inputs).type as FirstLookType];
    const wait = (inputs.waitFor as LookWait | undefined) ?? kind.defaultWait;
    const timeoutMs = ((inputs.timeoutSeconds as number | undefined) ?? kind.defaultTimeoutSeconds) * 1000;
    const outsOf = (g: AvatarGroupItem) => ({ ...pick(inputs, INPUTS), ...groupOutputs(g), firstLookId: look.id, ...extra });
    let current = look;
    let group = wait === "trained" ? undefined : known;
    if (wait === "trained" && !waitIsOver(look.status)) {
        const r = await waitUntil(() => api.getLook(look.id), (l) => waitIsOver(l.status), timeoutMs);
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
            `avatar group "${inputs.name}": its first look failed to train: ${current.error?.message ?? "no reason given"}. It is recorded in state; the next \`pulumi up\` replaces it`,
            group.id, outsOf(group), inputs,
        );
    }
    return { id: group.id, outs: outsOf(group) };
}

async function adopt(api: HeyGenClient, inputs: Record<string, unknown>) {
    const id = inputs.adoptGroupId as string;
    const group = await orGone(() => api.getGroup(id));
    if (!group) throw new Error(`adoptGroupId: no avatar group ${id} exists in this HeyGen account`);
    if (group.name !== inputs.name) {
        throw new Error(`adoptGroupId: group ${id} is named "${group.name}" and groups cannot be renamed; set name to "${group.name}"`);
    }
    const fl = firstLookOf(inputs);
    const kind = KINDS[fl.type as FirstLookType];
    let first: AvatarLookItem | undefined;
    for await (const l of api.allLooks({ group_id: id })) first = l; // newest first: the last one is the first look
    if (!first) throw new Error(`adoptGroupId: group ${id} has no looks`);
    if (first.avatar_type !== kind.avatarType) {
        throw new Error(`adoptGroupId: the first look of group ${id} is a ${first.avatar_type}; set firstLook.type to match it`);
    }
    if (first.name !== lookName(inputs)) {
        if (!kind.renamable) throw new Error(`adoptGroupId: the first look is named "${first.name}"; set firstLook.name to it`);
        first = await api.renameLook(first.id, lookName(inputs));
    }
    return settle(api, id, group, first, inputs, {});
}

/** Declared outputs must be seeded as undefined to appear on the resource object (pulumi#2931). */
const OUTPUT_SEED = {
    groupId: undefined, firstLookId: undefined, looksCount: undefined, status: undefined, consentStatus: undefined,
    previewImageUrl: undefined, previewVideoUrl: undefined, gender: undefined, defaultVoiceId: undefined, createdAt: undefined,
    error: undefined, uploadedAssetIds: undefined,
};

/** An avatar group (a character), created together with its first look. */
export class AvatarGroup extends pulumi.dynamic.Resource {
    declare readonly groupId: pulumi.Output<string>;
    declare readonly firstLookId: pulumi.Output<string>;
    declare readonly name: pulumi.Output<string>;
    declare readonly looksCount: pulumi.Output<number>;
    declare readonly status: pulumi.Output<string | null>;
    declare readonly consentStatus: pulumi.Output<string | null>;
    declare readonly previewImageUrl: pulumi.Output<string | null>;
    declare readonly previewVideoUrl: pulumi.Output<string | null>;
    declare readonly gender: pulumi.Output<string | null>;
    declare readonly defaultVoiceId: pulumi.Output<string | null>;
    declare readonly createdAt: pulumi.Output<number>;
    declare readonly error: pulumi.Output<AvatarGroupOutputs["error"]>;
    declare readonly uploadedAssetIds: pulumi.Output<string[] | undefined>;

    constructor(name: string, args: AvatarGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super(providerFor("avatarGroup"), name, { ...OUTPUT_SEED, ...args }, opts, "heygen", "AvatarGroup");
    }
}
