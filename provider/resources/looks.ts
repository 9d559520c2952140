// What the three look resources (photo, prompt, digital twin) share: their outputs, their lifecycle
// (create once with an Idempotency-Key, wait per `waitFor`, record partial creates, rename in place,
// refresh, delete) and the diff rule. Each kind supplies its own checks and create body.
import * as pulumi from "@pulumi/pulumi";
import type { AvatarLookItem, AvatarType, CreateAvatarRequest, CreateType, LookStatus } from "../../api/schema";
import type { ENGINES } from "../../api/constants";
import type { HeyGenClient } from "../client";
import { type FileKind, type StoredFileSource, checkFileSource, fileIdentity, toApiFile } from "../files";
import { warn } from "../diagnostics";
import { forgetListings, readLook } from "./lookReads";
import { journal, releaseAssets, withAssetsReleased } from "./uploadedAssets";
import { client } from "../config";
import {
    type DiffRules, type Failure, PartialCreateError, checkForceDestroy, checkId, checkKeyIfChanged, checkName, checkWaitInputs, containsUnknown,
    decideDiff, decideFixedName, adoptionBlocksReplace, unknownReplaceWarnings, explain, isUnknown, orGone, partialCreate, pick, toDiffResult,
    waitUntil, withoutUndefined,
} from "./common";
import { createOnce, looksOfGroup } from "./createOnce";
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

export interface LookKind {
    /** The resource's type name, for messages. */
    title: string;
    createType: CreateType;
    avatarType: AvatarType;
    /** Kind-specific inputs: all of them force replacement. */
    sourceInputs: readonly string[];
    /** HeyGen renames photo and digital twin looks only. */
    renamable: boolean;
    defaultWait: LookWait;
    defaultTimeoutSeconds: number;
    /** Validates and normalizes the kind's own inputs. */
    checkSource(news: Record<string, unknown>, failures: Failure[]): Record<string, unknown>;
    /** The create body's type-specific part, uploading local files first. */
    createBody(inputs: Record<string, unknown>, api: HeyGenClient, key: string): Promise<{ body: Partial<CreateAvatarRequest>; uploadedAssetIds: string[] }>;
}

// `__identity` is kept in state with the inputs so that `read` gives it back: otherwise an update after a
// refresh that found drift would list the hidden input as changed.
export const LOOK_COMMON_INPUTS = ["groupId", "name", "adoptLookId", "waitFor", "timeoutSeconds", "forceDestroy", "__identity"] as const;

/** A look made from one file (a photo, or a digital twin's footage): the input holding it is its source. */
export function singleFileKind(k: Omit<LookKind, "sourceInputs" | "checkSource" | "createBody"> & { input: string; file: FileKind }): LookKind {
    const { input, file, ...rest } = k;
    return {
        ...rest,
        sourceInputs: [input],
        checkSource(news, failures) {
            if (news[input] === undefined) {
                failures.push({ property: input, reason: "is required: give { url }, { path }, { assetId } or { base64, mediaType }" });
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

    return {
        async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
            const failures: Failure[] = [];
            checkId(news.groupId, "groupId", failures, true);
            checkName(news.name, "name", failures);
            checkId(news.adoptLookId, "adoptLookId", failures, false);
            checkWaitInputs(news, ["created", "trained"], failures);
            checkForceDestroy(news, failures);
            const source = kind.checkSource(news, failures);
            const inputs = withoutUndefined({ ...news, ...source });
            // With reads only, what would fail at `up`: the key, the group it joins, and the look it adopts
            // (only when the resource is created).
            if (failures.length === 0) failures.push(...(await checkKeyAndGroup(olds, inputs, inputKeys(kind))));
            const creating = Object.keys(olds ?? {}).length === 0;
            if (failures.length === 0 && creating && typeof inputs.adoptLookId === "string" && !isUnknown(inputs.adoptLookId)) {
                failures.push(...(await checkLookAdoption(client(), kind, inputs)));
            }
            return { inputs, failures };
        },

        async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
            const { warnings, ...result } = decideLookDiff(kind, olds, news);
            const blocked = adoptionBlocksReplace(id, result.replaces, news.adoptLookId, describe(news), "adoptLookId");
            if (blocked) throw new Error(blocked);
            for (const w of [...warnings, ...unknownReplaceWarnings(describe(news), result.replaces, news)]) await warn(w);
            return result;
        },

        async create(inputs: Record<string, unknown>) {
            const api = client();
            forgetListings();
            if (inputs.adoptLookId) {
                try {
                    return await adopt(api, inputs);
                } catch (e) {
                    throw explain(e, `creating ${describe(inputs)}`);
                }
            }
            // Until HeyGen accepted the create, a failure leaves nothing behind to record.
            const groupId = inputs.groupId as string;
            let prepared: Awaited<ReturnType<LookKind["createBody"]>> | undefined;
            let outcome;
            try {
                outcome = await createOnce({
                    identity: inputs.__identity,
                    keyInputs: pick(inputs, ["groupId", "name", ...kind.sourceInputs]),
                    want: { name: inputs.name as string, type: kind.avatarType },
                    list: async () => (await looksOfGroup(api, groupId)).map((l) => ({ id: l.id, name: l.name, type: l.avatar_type })),
                    async byId(id) {
                        const l = await orGone(() => api.getLook(id));
                        return l && l.group_id === groupId ? { id: l.id, name: l.name, type: l.avatar_type } : undefined;
                    },
                    timed: false,
                    async send(key) {
                        prepared ??= await kind.createBody(inputs, api, key);
                        return api.createAvatar(
                            { type: kind.createType, name: inputs.name as string, avatar_group_id: groupId, ...prepared.body } as CreateAvatarRequest,
                            key, { lookBeforeResend: true },
                        );
                    },
                    idOf: (c) => c.avatar_item.id,
                    exists: async (c) => (await orGone(() => api.getLook(c.avatar_item.id))) !== undefined,
                    stillRunningMs: api.timeoutMs("writeMs"),
                });
            } catch (e) {
                await releaseAssets(api, prepared?.uploadedAssetIds, "gone"); // no look was made from them
                throw explain(e, `creating ${describe(inputs)}`);
            }
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
                await warn(`${kind.title} "${declaredName}" (${id}) was renamed to "${look.name}" outside this program; HeyGen cannot rename it back, so \`up\` leaves it: set name to "${look.name}" to accept it`);
            }
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
                        throw new Error(
                            `${kind.title} "${still.name}" (${id}) is the last look of avatar group "${group.name}" (${group.id}), and HeyGen deletes a group ` +
                                "with its last look. Deleting it would delete the group too. Delete the group instead, add another look to it first, " +
                                "or set forceDestroy: true on this look (and run `pulumi up`) to delete both",
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
     * At preview, with reads only: the look to adopt exists and is what the program declares (type,
     * group, name), so `up` takes it over without changing anything.
     */
    async function checkLookAdoption(api: HeyGenClient, k: LookKind, inputs: Record<string, unknown>): Promise<Failure[]> {
        const id = inputs.adoptLookId as string;
        const look = await orGone(() => api.getLook(id));
        if (!look) return [{ property: "adoptLookId", reason: `no look ${id} exists in this HeyGen account` }];
        if (look.avatar_type !== k.avatarType) {
            return [{ property: "adoptLookId", reason: `look ${id} is a ${look.avatar_type}, not a ${k.avatarType}: declare it with the matching resource` }];
        }
        // What is not known yet (a group adopted in the same run) is checked by `up`.
        if (!isUnknown(inputs.groupId) && look.group_id !== inputs.groupId) {
            return [{ property: "groupId", reason: `look ${id} belongs to group ${look.group_id}, not ${String(inputs.groupId)}: set groupId to ${look.group_id}` }];
        }
        if (!isUnknown(inputs.name) && look.name !== inputs.name) {
            return [{ property: "name", reason: `look ${id} is named "${look.name}": declare that name to adopt it as it is${k.renamable ? " (rename it afterwards with an update)" : ""}` }];
        }
        return [];
    }

    /** Takes an existing look under management, after checking it is the look declared. */
    async function adopt(api: HeyGenClient, inputs: Record<string, unknown>) {
        const id = inputs.adoptLookId as string;
        const look = await orGone(() => api.getLook(id));
        if (!look) throw new Error(`adoptLookId: no look ${id} exists in this HeyGen account`);
        if (look.avatar_type !== kind.avatarType) {
            throw new Error(`adoptLookId: look ${id} is a ${look.avatar_type}, not a ${kind.avatarType}; declare it with the matching resource`);
        }
        // What is not known yet (a group adopted in the same run) is checked by `up`.
        if (!isUnknown(inputs.groupId) && look.group_id !== inputs.groupId) {
            throw new Error(`adoptLookId: look ${id} belongs to group ${look.group_id}, not ${inputs.groupId}; set groupId to ${look.group_id}`);
        }
        let current = look;
        if (look.name !== inputs.name) {
            if (!kind.renamable) throw new Error(`adoptLookId: look ${id} is named "${look.name}" and ${kind.title} names cannot change; set name to "${look.name}"`);
            current = await api.renameLook(id, inputs.name as string);
        }
        return settle(api, current, inputs, {});
    }
}


/**
 * At preview, with reads only: the key (when the inputs changed, see checkKeyIfChanged) and the group the
 * resource joins (when it changes and is known), both at once: the engine checks one resource at a time, so
 * the first check of a preview holds up all others. The key's answer decides: a rejected key fails the group
 * read too, and after a switch to the fallback key (HEYGEN_API_KEY) the group is read again with it.
 */
export async function checkKeyAndGroup(olds: Record<string, unknown> | undefined, inputs: Record<string, unknown>, keys: readonly string[]): Promise<Failure[]> {
    const groupId = typeof inputs.groupId === "string" && !isUnknown(inputs.groupId) && olds?.groupId !== inputs.groupId ? inputs.groupId : undefined;
    if (groupId === undefined) {
        await checkKeyIfChanged(olds, inputs, keys);
        return [];
    }
    const joinable = checkJoinableGroup(client, groupId);
    joinable.catch(() => undefined); // the key's failure, if any, is the one reported
    await checkKeyIfChanged(olds, inputs, keys);
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
