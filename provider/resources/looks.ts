// What the three look resources (photo, prompt, digital twin) share: their outputs, how a kind of look is
// described (its declaration, its source inputs, its create body) and the class they register with. Their
// lifecycle is the one of every resource (lifecycle.ts), with the look's API calls (lookLifecycle.ts).
import * as pulumi from "@pulumi/pulumi";
import type { AvatarLookItem, AvatarType, CreateAvatarRequest, CreateType, LookStatus } from "../../api/schema";
import type { ENGINES } from "../../api/constants";
import type { HeyGenClient } from "../client";
import { type FileKind, type StoredFileSource, checkFileSource, fileIdentity } from "../sources";
import { toApiFile } from "../lifecycle/uploads";
import type { Failure } from "../lifecycle/common";
import type { Declaration, OutputSeed } from "../lifecycle/declaration";
import { HeyGenResource, derive, type Outputs } from "../lifecycle/resource";
import { identity } from "../identity";

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

/** Where waiting for training ends: training is over, or it waits for a person's consent. */
export const waitIsOver = (status: string | null) => FINISHED_TRAINING.includes(status ?? "") || status === "pending_consent";

export type LookWait = "created" | "trained";

/**
 * Arguments whose source (`Source`: the file or prompt a new object is made from) is required, unless the
 * object is adopted (`Adoption`: its id given), when it may be left out: an adopted object is managed like
 * any other, but it cannot be made again without its source (`preview` says so when it would have to be).
 */
export type Adoptable<Source, Adoption> = (Source & Partial<Adoption>) | (Partial<Source> & Adoption);

export interface LookKind {
    /** Its inputs (what each change does) and outputs. */
    declaration: LookDeclaration;
    /** The resource's type name, for messages. */
    title: string;
    createType: CreateType;
    avatarType: AvatarType;
    /** Kind-specific inputs (all of them force replacement): the declared inputs that replace, but the group. */
    sourceInputs: readonly string[];
    /** The input a new look is made from; only an adopted look may leave it out. */
    sourceInput: string;
    /** HeyGen renames photo and digital twin looks only (declared: a name that `updates`). */
    renamable: boolean;
    defaultWait: LookWait;
    defaultTimeoutSeconds: number;
    /** Validates and normalizes the kind's own inputs; `optional`: the look is adopted, so its source may be absent. */
    checkSource(news: Record<string, unknown>, failures: Failure[], optional?: boolean): Record<string, unknown>;
    /** The create body's type-specific part, uploading local files first. */
    createBody(inputs: Record<string, unknown>, api: HeyGenClient, key: string): Promise<{ body: Partial<CreateAvatarRequest>; uploadedAssetIds: string[] }>;
}


/** A look kind's declaration: the Args interface's inputs, and the outputs every look has. */
export type LookDeclaration = Declaration<any, LookOutputs, DerivedLookOutput>;

/** What a look kind's declaration tells: its source inputs (those that replace, but the group) and whether it renames. */
export function fromDeclaration(d: LookDeclaration): Pick<LookKind, "declaration" | "sourceInputs" | "renamable"> {
    const inputs = d.inputs as Record<string, string>;
    return {
        declaration: d,
        sourceInputs: Object.keys(inputs).filter((k) => inputs[k] === "replaces" && k !== "groupId"),
        renamable: inputs.name === "updates",
    };
}

/** A look made from one file (a photo, or a digital twin's footage): the input holding it is its source. */
export function singleFileKind(
    k: Omit<LookKind, "declaration" | "sourceInputs" | "renamable" | "sourceInput" | "checkSource" | "createBody"> & { declaration: LookDeclaration; input: string; file: FileKind },
): LookKind {
    const { input, file, declaration, ...rest } = k;
    return {
        ...rest,
        ...fromDeclaration(declaration),
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
export const FILE_VIEWS = { image: fileIdentity, footage: fileIdentity, referenceImages: fileIdentity };

/** Registered as undefined for the outputs to appear on the object; the class derives the others. */
export const LOOK_OUTPUT_SEED: OutputSeed<LookOutputs, DerivedLookOutput> = {
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
export type DerivedLookOutput = "lookId" | "groupId" | "avatarType";

export interface LookResource extends Outputs<LookOutputs> {}

/** The outputs and registration every look resource shares; each kind's class adds its constructor. */
export abstract class LookResource extends HeyGenResource {
    protected constructor(name: string, args: { groupId: pulumi.Input<string> } & object, kind: LookKind, opts: pulumi.CustomResourceOptions | undefined) {
        const { type } = kind.declaration;
        super(kind.declaration, name, { ...args, __identity: identity(type, name, opts) }, opts);
        derive<LookResource>(this, {
            lookId: this.id,
            groupId: this.urn.apply(() => pulumi.output(args.groupId)),
            avatarType: this.urn.apply(() => kind.avatarType),
        });
    }
}
