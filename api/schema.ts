// The HeyGen v3 API contract for avatars, looks, consent and assets, written once: the emulator validates
// requests against these schemas and the client is typed by them. Source: HeyGen's v3 documentation and the
// OpenAPI spec as generated into HeyGen's official CLI (heygen-com/heygen-cli, gen/*.go).
import { Type, type Static, type TSchema } from "@sinclair/typebox";
// The plain constants live in ./constants (no TypeBox), so the provider uses them without TypeBox at run time.
import { AVATAR_TYPES, CONSENT_STATUSES, CREATE_TYPES, LOOK_STATUSES } from "./constants";
export * from "./constants";

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorBody = Type.Object({
    code: Type.String(),
    message: Type.String(),
    param: Type.Optional(Type.String()),
    doc_url: Type.Optional(Type.String()),
});
export type ErrorBody = Static<typeof ErrorBody>;
export const ErrorEnvelope = Type.Object({ error: ErrorBody });
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

export const ItemError = Nullable(Type.Object({ code: Type.String(), message: Type.String() }));

export const AvatarGroupItem = Type.Object({
    id: Type.String(),
    name: Type.String(),
    created_at: Type.Integer(),
    looks_count: Type.Integer(),
    preview_image_url: Nullable(Type.String()),
    preview_video_url: Nullable(Type.String()),
    gender: Nullable(Type.String()),
    default_voice_id: Nullable(Type.String()),
    consent_status: Nullable(Type.Union(CONSENT_STATUSES.map((s) => Type.Literal(s)))),
    status: Nullable(Type.Union(LOOK_STATUSES.map((s) => Type.Literal(s)))),
    error: ItemError,
});
export type AvatarGroupItem = Static<typeof AvatarGroupItem>;

export const AvatarLookItem = Type.Object({
    id: Type.String(),
    name: Type.String(),
    avatar_type: Type.Union(AVATAR_TYPES.map((s) => Type.Literal(s))),
    group_id: Type.String(),
    preview_image_url: Nullable(Type.String()),
    preview_video_url: Nullable(Type.String()),
    gender: Nullable(Type.String()),
    default_voice_id: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    supported_api_engines: Type.Array(Type.String()),
    image_width: Nullable(Type.Integer()),
    image_height: Nullable(Type.Integer()),
    preferred_orientation: Nullable(Type.Union(["portrait", "landscape", "square"].map((s) => Type.Literal(s)))),
    status: Nullable(Type.Union(LOOK_STATUSES.map((s) => Type.Literal(s)))),
    error: ItemError,
});
export type AvatarLookItem = Static<typeof AvatarLookItem>;
export type LookStatus = (typeof LOOK_STATUSES)[number];
export type ConsentStatus = (typeof CONSENT_STATUSES)[number];
export type AvatarType = (typeof AVATAR_TYPES)[number];
export type CreateType = (typeof CREATE_TYPES)[number];

/** A file given to the API: by URL, by an uploaded asset's id, or inline. */
export const FileInput = Type.Union([
    Type.Object({ type: Type.Literal("url"), url: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object({ type: Type.Literal("asset_id"), asset_id: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    Type.Object(
        { type: Type.Literal("base64"), media_type: Type.String({ minLength: 1 }), data: Type.String({ minLength: 1 }) },
        { additionalProperties: false },
    ),
]);
export type FileInput = Static<typeof FileInput>;

// One body schema with the type-specific rules checked by the handler, so that errors name the field
// the way HeyGen's do ("file is required for type photo") instead of a union-mismatch message.
// Fields the spec marks `nullable` take `null` for "absent".
export const CreateAvatarRequest = Type.Object({
    type: Type.String(),
    name: Type.String(),
    avatar_group_id: Type.Optional(Nullable(Type.String())),
    file: Type.Optional(FileInput),
    prompt: Type.Optional(Type.String()),
    reference_images: Type.Optional(Nullable(Type.Array(FileInput))),
    avatar_id: Type.Optional(Nullable(Type.String())),
});
export type CreateAvatarRequest = Static<typeof CreateAvatarRequest>;

export const CreateAvatarResponse = Type.Object({
    data: Type.Object({ avatar_item: AvatarLookItem, avatar_group: AvatarGroupItem }),
});
export type CreateAvatarResponse = Static<typeof CreateAvatarResponse>;

/** Every field optional and nullable: an empty body is a valid request. */
export const ConsentRequest = Type.Object({
    reroute_url: Type.Optional(Nullable(Type.String())),
    consent_text: Type.Optional(Nullable(Type.String())),
    consent_video: Type.Optional(Nullable(FileInput)),
});
export type ConsentRequest = Static<typeof ConsentRequest>;
export const ConsentResponse = Type.Object({
    data: Type.Object({ avatar_group: AvatarGroupItem, url: Type.Optional(Nullable(Type.String())) }),
});
export type ConsentResponse = Static<typeof ConsentResponse>;

/** No field is required: `{}` (or `name: null`) changes nothing. */
export const UpdateLookRequest = Type.Object({ name: Type.Optional(Nullable(Type.String())) });
export type UpdateLookRequest = Static<typeof UpdateLookRequest>;

export const DeletedResponse = Type.Object({ data: Type.Object({ id: Type.String() }) });
export type DeletedResponse = Static<typeof DeletedResponse>;

export const UploadedAsset = Type.Object({
    asset_id: Type.String(),
    url: Type.String(),
    mime_type: Type.String(),
    size_bytes: Type.Integer(),
});
export type UploadedAsset = Static<typeof UploadedAsset>;
/** GET /v3/assets/{asset_id}, and each item of GET /v3/assets. */
export const AssetItem = Type.Object({
    id: Type.String(),
    name: Type.String(),
    /** `image`, `video`, `audio`, … */
    type: Type.String(),
    owner: Type.String(),
    space_id: Type.String(),
    folder_id: Type.Optional(Nullable(Type.String())),
    uploaded_at: Type.Integer(),
    url: Nullable(Type.String()),
});
export type AssetItem = Static<typeof AssetItem>;

/** POST /v3/assets/direct-uploads: begin an upload of the bytes straight to storage. */
export const DirectUploadRequest = Type.Object({
    filename: Type.String({ minLength: 1 }),
    content_type: Type.String({ minLength: 1 }),
    /** Exact; signed into the upload URL. */
    size_bytes: Type.Integer(),
    /** Hex; storage refuses bytes that do not match. */
    checksum_sha256: Type.Optional(Nullable(Type.String())),
});
export type DirectUploadRequest = Static<typeof DirectUploadRequest>;
export const DirectUpload = Type.Object({
    asset_id: Type.String(),
    /** Presigned: PUT the raw bytes here, with `upload_headers` verbatim and no API key. */
    upload_url: Type.String(),
    upload_headers: Type.Record(Type.String(), Type.String()),
    expires_in_seconds: Type.Integer(),
    max_bytes: Type.Integer(),
    status: Type.Literal("pending_upload"),
});
export type DirectUpload = Static<typeof DirectUpload>;

/** POST /v3/assets/{asset_id}/complete: idempotent. */
export const CompleteUploadRequest = Type.Object({ checksum_sha256: Type.Optional(Nullable(Type.String())) });
export type CompleteUploadRequest = Static<typeof CompleteUploadRequest>;
export const CompletedUpload = Type.Object({
    asset_id: Type.String(),
    url: Type.String(),
    /** Sniffed from the stored bytes. */
    mime_type: Type.String(),
    size_bytes: Type.Integer(),
    status: Type.String(),
});
export type CompletedUpload = Static<typeof CompletedUpload>;

export const ListAssetsQuery = Type.Object({ ...PageQueryFields() });
export type ListAssetsQuery = { limit?: number; token?: string };

export const UserInfo = Type.Object({
    username: Type.String(),
    email: Type.Optional(Type.String()),
    first_name: Type.Optional(Type.String()),
    last_name: Type.Optional(Type.String()),
});
export type UserInfo = Static<typeof UserInfo>;

export interface Single<T> {
    data: T;
}
export interface Page<T> {
    data: T[];
    has_more: boolean;
    next_token: string | null;
}

function PageQueryFields() {
    return { limit: Type.Optional(Type.String()), token: Type.Optional(Type.String()) };
}
export const PageQuery = PageQueryFields();
export const ListGroupsQuery = Type.Object({ ...PageQuery, ownership: Type.Optional(Type.String()) });
export type ListGroupsQuery = { ownership?: "public" | "private"; limit?: number; token?: string };
export const ListLooksQuery = Type.Object({
    ...PageQuery,
    ownership: Type.Optional(Type.String()),
    group_id: Type.Optional(Type.String()),
    avatar_type: Type.Optional(Type.String()),
});
export type ListLooksQuery = {
    ownership?: "public" | "private";
    group_id?: string;
    avatar_type?: AvatarType;
    limit?: number;
    token?: string;
};

/** `doc_url` as HeyGen builds it: the code as an anchor, `_` → `-`. */
export function docUrl(code: string): string {
    return `https://developers.heygen.com/docs/error-codes#${code.replace(/_/g, "-")}`;
}
