// PromptLook: a look generated from a text prompt, optionally guided by up to 3 reference images or an
// existing look. HeyGen cannot rename prompt looks, so every change replaces one.
import * as pulumi from "@pulumi/pulumi";
import type { FileInput } from "../../api/schema";
import { LIMITS } from "../../api/constants";
import { type ImageSource, checkFileSource, type StoredFileSource } from "../sources";
import { toApiFile } from "../lifecycle/uploads";
import { type Failure, charCount, checkId, isUnknown } from "../lifecycle/common";
import { type Adoptable, type LookDeclaration, type LookKind, type LookWait, LOOK_OUTPUT_SEED, LookResource, fromDeclaration } from "./looks";
import type { InputTable } from "../lifecycle/declaration";

interface PromptLookCommonArgs {
    /** The avatar group (character) the look joins: an AvatarGroup's `groupId`. */
    groupId: pulumi.Input<string>;
    /** ≤ 255 characters. HeyGen cannot rename prompt looks: a change replaces the look. */
    name: pulumi.Input<string>;
    /** Up to 3 reference images. */
    referenceImages?: pulumi.Input<pulumi.Input<ImageSource>[]>;
    /** A look of the same group to start from (HeyGen's `avatar_id`). */
    referenceLookId?: pulumi.Input<string>;
    /**
     * HeyGen deletes a group with its last look. Without this, deleting the look fails when it is the last
     * one of its group (the group would go too); with it, both go. Takes effect once applied by `pulumi up`.
     */
    forceDestroy?: pulumi.Input<boolean>;
    /** `trained` (default) or `created`. */
    waitFor?: pulumi.Input<LookWait>;
    /** How long to wait for training (default 900). */
    timeoutSeconds?: pulumi.Input<number>;
}

/** A prompt look: made from `prompt`, or adopted (`adoptLookId`), when `prompt` may be left out. */
export type PromptLookArgs = PromptLookCommonArgs & Adoptable<{
    /** What the look should be (≤ 1000 characters). */
    prompt: pulumi.Input<string>;
}, {
    /** Take an existing look under management instead of creating one (checked against this declaration). */
    adoptLookId: pulumi.Input<string>;
}>;

/** A PromptLook's inputs, each with what its change does (its name: HeyGen cannot rename it, see decideLookDiff), and its outputs. */
export const promptLookDeclaration = {
    kind: "promptLook",
    type: "PromptLook",
    inputs: {
        groupId: "replaces", name: "decided", prompt: "replaces", referenceImages: "replaces", referenceLookId: "replaces",
        adoptLookId: "adoption", waitFor: "updates", timeoutSeconds: "updates", forceDestroy: "updates",
    } satisfies InputTable<PromptLookArgs>,
    outputs: LOOK_OUTPUT_SEED,
} as const satisfies LookDeclaration;

export const promptKind: LookKind = {
    ...fromDeclaration(promptLookDeclaration),
    title: "prompt look",
    createType: "prompt",
    avatarType: "photo_avatar",
    sourceInput: "prompt",
    defaultWait: "trained",
    defaultTimeoutSeconds: 900,
    checkSource(news, failures: Failure[], optional) {
        const out: Record<string, unknown> = {};
        const p = news.prompt;
        if (optional && (p === undefined || p === null)) {
            // An adopted look without its prompt: nothing of it can be made again, which check and diff tell.
        } else if (!isUnknown(p)) {
            if (typeof p !== "string" || p.trim() === "") failures.push({ property: "prompt", reason: "is required: describe the look in words (only an adopted look, with adoptLookId, may leave it out)" });
            else if (charCount(p) > LIMITS.promptMax) failures.push({ property: "prompt", reason: `is ${charCount(p)} characters; HeyGen allows at most ${LIMITS.promptMax}` });
        }
        const refs = news.referenceImages;
        if (refs !== undefined && !isUnknown(refs)) {
            if (!Array.isArray(refs)) failures.push({ property: "referenceImages", reason: "must be a list of file sources" });
            else {
                if (refs.length > LIMITS.referenceImagesMax) {
                    failures.push({ property: "referenceImages", reason: `has ${refs.length} images; HeyGen takes at most ${LIMITS.referenceImagesMax}` });
                }
                out.referenceImages = refs.map((r, i) => checkFileSource(r, `referenceImages[${i}]`, "image", failures));
            }
        }
        checkId(news.referenceLookId, "referenceLookId", failures, false);
        return out;
    },
    async createBody(inputs, api, key) {
        const refs = (inputs.referenceImages as StoredFileSource[] | undefined) ?? [];
        const files: FileInput[] = [];
        const uploadedAssetIds: string[] = [];
        for (const [i, r] of refs.entries()) {
            const { file, uploadedAssetId } = await toApiFile(r, `referenceImages[${i}]`, api, `${key}:ref${i}`);
            files.push(file);
            if (uploadedAssetId) uploadedAssetIds.push(uploadedAssetId);
        }
        return {
            body: {
                prompt: inputs.prompt as string,
                ...(files.length ? { reference_images: files } : {}),
                ...(inputs.referenceLookId ? { avatar_id: inputs.referenceLookId as string } : {}),
            },
            uploadedAssetIds,
        };
    },
};

/** A prompt-generated look in an avatar group. */
export class PromptLook extends LookResource {
    constructor(name: string, args: PromptLookArgs, opts?: pulumi.CustomResourceOptions) {
        super(name, args, promptKind, opts);
    }
}
