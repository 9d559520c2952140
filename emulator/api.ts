// The HeyGen v3 routes: avatars (groups), looks, consent, assets and the caller's identity.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as crypto from "crypto";
import * as fs from "fs";
import {
    type AvatarType, type CreateAvatarRequest as CreateBody, type CreateType, type FileInput, type Page,
    AVATAR_TYPES, CREATE_TYPES, CREATE_TYPE_ALIASES, CompleteUploadRequest, ConsentRequest, CreateAvatarRequest,
    DirectUploadRequest, LIMITS, ListAssetsQuery, ListGroupsQuery, ListLooksQuery, UpdateLookRequest, docUrl,
} from "../api/schema";
import { UploadRejected } from "./blobs";
import { MEDIA_TYPES, PNG_1x1, download, imageSize, isImage, isVideo, sniffMediaType, trainingOutcome } from "./media";
import { type AssetRecord, type GroupRecord, type LookRecord, type Store, newId, nowSeconds } from "./store";

export class ApiError extends Error {
    constructor(readonly status: number, readonly code: string, message: string, readonly param?: string) {
        super(message);
    }
    body() {
        return { error: { code: this.code, message: this.message, ...(this.param ? { param: this.param } : {}), doc_url: docUrl(this.code) } };
    }
}

const bad = (message: string, param?: string) => new ApiError(400, "invalid_parameter", message, param);

/** Where presigned upload URLs point: the emulator plays the storage service too. */
export const STORAGE_PREFIX = "/_storage/uploads";
const OWNER = "emulator";
const SPACE_ID = "space_emulator";

/** The headers signed into an upload URL, which the PUT must send verbatim (S3's names). */
function storageHeaders(contentType: string, checksumHex: string | null): Record<string, string> {
    return {
        "Content-Type": contentType,
        ...(checksumHex ? { "x-amz-checksum-sha256": Buffer.from(checksumHex, "hex").toString("base64") } : {}),
    };
}

const xml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
/** Storage answers errors as S3 does: XML, not HeyGen's envelope. */
function s3Error(code: string, message: string, key: string): string {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xml(message)}</Message><Key>${xml(key)}</Key></Error>`;
}

export interface ApiOptions {
    store: Store;
    /** The API's own processing time for a create, in ms (HeyGen takes ~3.5 s); settable at run time. */
    createMs: () => number;
    /** When true, `Idempotency-Key` is ignored as by a server that does not support it; settable at run time. */
    ignoreIdempotencyKeys: () => boolean;
}

export function registerApi(app: FastifyInstance, { store, createMs, ignoreIdempotencyKeys }: ApiOptions): void {
    const st = () => store.state;
    const changed = <T>(v: T): T => (store.touch(), v);

    // ---- idempotency: replay within 24 h, 409 while the first request runs ----
    async function idempotent(req: FastifyRequest, reply: FastifyReply, work: () => Promise<unknown>): Promise<unknown> {
        const raw = req.headers["idempotency-key"];
        if (raw === undefined || ignoreIdempotencyKeys()) return work();
        const key = Array.isArray(raw) ? raw[0] : raw;
        if (!new RegExp(LIMITS.idempotencyKeyPattern).test(key)) {
            throw bad("Idempotency-Key must be 1-255 characters of A-Z a-z 0-9 _ - : .", "Idempotency-Key");
        }
        store.expireIdempotency(LIMITS.idempotencyTtlSeconds);
        const id = `${req.method} ${req.url.split("?")[0]} ${key}`;
        const seen = st().idempotency[id];
        if (seen?.state === "in_progress") {
            throw new ApiError(409, "request_in_progress", "A request with this Idempotency-Key is still being processed; retry later");
        }
        if (seen?.state === "done") {
            reply.header("Idempotent-Replayed", "true");
            reply.code(seen.status!);
            return seen.body;
        }
        st().idempotency[id] = changed({ scope: `${req.method} ${req.url.split("?")[0]}`, key, created_at: nowSeconds(), state: "in_progress" });
        try {
            const body = await work();
            st().idempotency[id] = changed({ ...st().idempotency[id], state: "done", status: 200, body });
            return body;
        } catch (e) {
            // Client errors are replayed like successes; server errors and conflicts may be retried.
            if (e instanceof ApiError && e.status < 500 && e.status !== 409 && e.status !== 429) {
                st().idempotency[id] = changed({ ...st().idempotency[id], state: "done", status: e.status, body: e.body() });
            } else {
                delete st().idempotency[id];
                store.touch();
            }
            throw e;
        }
    }

    // ---- paging: keyset tokens on the creation sequence, newest first ----
    function page<T extends { seq: number }, V>(items: T[], q: { limit?: string; token?: string }, view: (t: T) => V): Page<V> {
        let limit: number = LIMITS.pageDefault;
        if (q.limit !== undefined) {
            limit = Number(q.limit);
            if (!/^\d+$/.test(q.limit) || limit < LIMITS.pageMin || limit > LIMITS.pageMax) {
                throw bad(`limit must be between ${LIMITS.pageMin} and ${LIMITS.pageMax}`, "limit");
            }
        }
        let before = Infinity;
        if (q.token !== undefined && q.token !== "") {
            const m = /^s(\d+)$/.exec(Buffer.from(q.token, "base64url").toString("utf8"));
            if (!m) throw bad("token is not a valid page token", "token");
            before = Number(m[1]);
        }
        const sorted = items.filter((i) => i.seq < before).sort((a, b) => b.seq - a.seq);
        const slice = sorted.slice(0, limit);
        const hasMore = sorted.length > limit;
        return {
            data: slice.map(view),
            has_more: hasMore,
            next_token: hasMore ? Buffer.from(`s${slice[slice.length - 1].seq}`).toString("base64url") : null,
        };
    }

    function ownership(v: string | undefined): boolean | undefined {
        if (v === undefined) return undefined;
        if (v !== "public" && v !== "private") throw bad("ownership must be 'public' or 'private'", "ownership");
        return v === "public";
    }

    const group = (id: string): GroupRecord => {
        const g = st().groups[id];
        if (!g) throw new ApiError(404, "avatar_group_not_found", `Avatar group ${id} not found`);
        return g;
    };
    const look = (id: string): LookRecord => {
        const l = st().looks[id];
        if (!l) throw new ApiError(404, "not_found", `Avatar look ${id} not found`);
        return l;
    };

    // ---- files given as url / asset_id / base64 ----
    // `picture`: the image's bytes when the emulator holds them (an asset, base64), kept as the look's preview.
    type Resolved = { mediaType: string; url?: string; assetId?: string; width?: number; height?: number; picture?: () => Buffer };
    function resolveFile(f: FileInput, wanted: "image" | "video", param: string): Resolved {
        const fits = (t: string) => (wanted === "image" ? isImage(t) : isVideo(t));
        const need = wanted === "image" ? "a JPEG or PNG image" : "an MP4 or WebM video";
        if (f.type === "url") {
            const d = download(f.url, wanted);
            if (!d.ok) throw new ApiError(400, d.code, d.message, param);
            if (!fits(d.mediaType)) throw bad(`${param} must be ${need}; ${f.url} is ${d.mediaType}`, param);
            return { mediaType: d.mediaType, url: f.url };
        }
        if (f.type === "asset_id") {
            const a = st().assets[f.asset_id];
            if (!a) throw new ApiError(404, "asset_not_found", `Asset ${f.asset_id} not found`, param);
            if (a.status === "pending_upload") throw bad(`asset ${a.id} is not complete: PUT its bytes, then POST /v3/assets/${a.id}/complete`, param);
            if (!fits(a.mime_type)) throw bad(`${param} must be ${need}; asset ${a.id} is ${a.mime_type}`, param);
            const picture = isImage(a.mime_type) && a.size_bytes <= LIMITS.assetMaxBytes ? () => fs.readFileSync(store.blobs.file(a.id)) : undefined;
            return { mediaType: a.mime_type, assetId: a.id, width: a.width, height: a.height, picture };
        }
        if (!/^[A-Za-z0-9+/=\s]+$/.test(f.data)) throw bad(`${param}.data is not valid base64`, `${param}.data`);
        const bytes = Buffer.from(f.data, "base64");
        if (bytes.length > LIMITS.assetMaxBytes) throw new ApiError(413, "payload_too_large", `${param} is larger than 32 MB`, param);
        const sniffed = sniffMediaType(bytes);
        if (!sniffed) throw bad(`${param}.data is not a supported file type`, `${param}.data`);
        if (sniffed !== f.media_type) {
            throw bad(`${param}.media_type is ${f.media_type} but the data is ${sniffed}`, `${param}.media_type`);
        }
        if (!fits(sniffed)) throw bad(`${param} must be ${need}; got ${sniffed}`, param);
        return { mediaType: sniffed, ...imageSize(bytes), picture: () => bytes };
    }

    function checkName(name: string, param = "name"): void {
        if (name.trim() === "") throw bad(`${param} must not be empty`, param);
        // Characters as HeyGen counts them (code points): an emoji is one, not two UTF-16 units.
        if (Array.from(name).length > LIMITS.nameMax) throw bad(`${param} must be at most ${LIMITS.nameMax} characters`, param);
    }

    const ENGINES: Record<CreateType, string[]> = {
        digital_twin: ["avatar_v", "avatar_iv", "avatar_iii"],
        photo: ["avatar_iv", "avatar_iii"],
        prompt: ["avatar_iv"],
    };
    const AVATAR_TYPE_OF: Record<CreateType, AvatarType> = { digital_twin: "digital_twin", photo: "photo_avatar", prompt: "photo_avatar" };

    async function createAvatar(body: CreateBody) {
        const type = (CREATE_TYPE_ALIASES[body.type] ?? body.type) as CreateType;
        if (!CREATE_TYPES.includes(type)) throw bad(`type must be one of ${CREATE_TYPES.join(", ")}`, "type");
        checkName(body.name);
        let target: GroupRecord | undefined;
        if (body.avatar_group_id != null) {
            target = group(body.avatar_group_id);
            if (target.public) throw new ApiError(403, "forbidden", "Looks cannot be added to a public avatar group");
        }
        let file: Resolved | undefined;
        const refs: Resolved[] = [];
        if (type === "prompt") {
            if (body.prompt === undefined || body.prompt.trim() === "") throw bad("prompt is required for type prompt", "prompt");
            if (Array.from(body.prompt).length > LIMITS.promptMax) throw bad(`prompt must be at most ${LIMITS.promptMax} characters`, "prompt");
            const images = body.reference_images ?? [];
            if (images.length > LIMITS.referenceImagesMax) {
                throw bad(`reference_images may hold at most ${LIMITS.referenceImagesMax} images`, "reference_images");
            }
            images.forEach((f, i) => refs.push(resolveFile(f, "image", `reference_images[${i}]`)));
            if (body.avatar_id != null) {
                const ref = st().looks[body.avatar_id];
                if (!ref) throw new ApiError(404, "not_found", `Avatar look ${body.avatar_id} not found`, "avatar_id");
                if (target && ref.group_id !== target.id) throw bad("avatar_id must belong to avatar_group_id", "avatar_id");
                if (!target) target = group(ref.group_id);
                if (target.public) throw new ApiError(403, "forbidden", "Looks cannot be added to a public avatar group");
            }
        } else {
            if (!body.file) throw bad(`file is required for type ${type}`, "file");
            file = resolveFile(body.file, type === "photo" ? "image" : "video", "file");
            if (type === "photo" && file.width !== undefined && file.height !== undefined &&
                (file.width < LIMITS.photoMinPixels || file.height < LIMITS.photoMinPixels)) {
                throw bad(`file must be at least ${LIMITS.photoMinPixels}x${LIMITS.photoMinPixels} pixels; got ${file.width}x${file.height}`, "file");
            }
        }
        const delay = createMs();
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));

        const now = nowSeconds();
        if (!target) {
            target = { id: newId(), seq: ++st().seq, name: body.name, created_at: now, public: false, gender: null, default_voice_id: null, consent: { status: null } };
            st().groups[target.id] = target;
        }
        if (type === "digital_twin" && target.consent.status === null) target.consent.status = "pending";
        const size = type === "digital_twin" ? { width: 1920, height: 1080 } : type === "prompt" ? { width: 768, height: 1152 } : { width: file?.width ?? 1024, height: file?.height ?? 1024 };
        const record: LookRecord = {
            id: newId(), seq: ++st().seq, name: body.name, avatar_type: AVATAR_TYPE_OF[type], created_as: type,
            group_id: target.id, created_at: now, public: false, gender: null, tags: [], engines: ENGINES[type],
            ...size,
            training: {
                status: type === "digital_twin" && target.consent.status !== "approved" ? "pending_consent" : "processing",
                phaseStartedAt: Date.now(), reads: 0, outcome: trainingOutcome(body.name, file?.url),
            },
            source: type === "prompt"
                ? { prompt: body.prompt, reference_images: refs.length, avatar_id: body.avatar_id ?? null }
                : { file: file?.url ? { url: file.url } : file?.assetId ? { asset_id: file.assetId } : { base64: file?.mediaType } },
        };
        st().looks[record.id] = changed(record);
        // A real picture for the look's preview: the photo, or a prompt look's first reference image.
        const picture = type === "photo" ? file?.picture : type === "prompt" ? refs[0]?.picture : undefined;
        if (picture) store.blobs.putPreview(record.id, picture());
        return { data: { avatar_item: store.lookView(record, false, false), avatar_group: store.groupView(target, false, false) } };
    }

    const bodyOf = <T>(req: FastifyRequest) => (req.body ?? {}) as T;

    app.post("/v3/avatars", { schema: { body: CreateAvatarRequest } }, (req, reply) =>
        idempotent(req, reply, () => createAvatar(bodyOf<CreateBody>(req))));

    app.get("/v3/avatars", { schema: { querystring: ListGroupsQuery } }, async (req) => {
        const q = req.query as { ownership?: string; limit?: string; token?: string };
        const pub = ownership(q.ownership);
        const groups = Object.values(st().groups).filter((g) => pub === undefined || g.public === pub);
        return page(groups, q, (g) => store.groupView(g));
    });

    app.get("/v3/avatars/looks", { schema: { querystring: ListLooksQuery } }, async (req) => {
        const q = req.query as { ownership?: string; group_id?: string; avatar_type?: string; limit?: string; token?: string };
        const pub = ownership(q.ownership);
        if (q.avatar_type !== undefined && !AVATAR_TYPES.includes(q.avatar_type as AvatarType)) {
            throw bad(`avatar_type must be one of ${AVATAR_TYPES.join(", ")}`, "avatar_type");
        }
        const looks = Object.values(st().looks).filter((l) =>
            (pub === undefined || l.public === pub) &&
            (q.group_id === undefined || l.group_id === q.group_id) &&
            (q.avatar_type === undefined || l.avatar_type === q.avatar_type));
        return page(looks, q, (l) => store.lookView(l));
    });

    app.get("/v3/avatars/looks/:look_id", async (req) => ({ data: store.lookView(look((req.params as { look_id: string }).look_id)) }));

    app.patch("/v3/avatars/looks/:look_id", { schema: { body: UpdateLookRequest } }, async (req) => {
        const l = look((req.params as { look_id: string }).look_id);
        const { name } = bodyOf<{ name?: string | null }>(req);
        if (l.public) throw new ApiError(403, "forbidden", "Public avatar looks cannot be renamed");
        // No field is required: nothing to change is not an error.
        if (name == null) return { data: store.lookView(l) };
        checkName(name);
        if (l.avatar_type !== "photo_avatar" && l.avatar_type !== "digital_twin") {
            throw bad("Only photo avatar and digital twin looks can be renamed", "name");
        }
        l.name = name;
        store.touch();
        return { data: store.lookView(l) };
    });

    app.delete("/v3/avatars/looks/:look_id", async (req) => {
        const l = look((req.params as { look_id: string }).look_id);
        if (l.public) throw new ApiError(403, "forbidden", "Public avatar looks cannot be deleted");
        store.deleteLook(l.id);
        return { data: { id: l.id } };
    });

    app.get("/v3/avatars/:group_id", async (req) => ({ data: store.groupView(group((req.params as { group_id: string }).group_id)) }));

    app.delete("/v3/avatars/:group_id", async (req) => {
        const g = group((req.params as { group_id: string }).group_id);
        if (g.public) throw new ApiError(403, "forbidden", "Public avatar groups cannot be deleted");
        store.deleteGroup(g.id);
        return { data: { id: g.id } };
    });

    app.post("/v3/avatars/:group_id/consent", { schema: { body: ConsentRequest } }, (req, reply) =>
        idempotent(req, reply, async () => {
            const g = group((req.params as { group_id: string }).group_id);
            const body = bodyOf<ConsentRequest>(req);
            if (g.public) throw new ApiError(403, "forbidden", "Consent cannot be requested for a public avatar group");
            if (!store.looksOf(g.id).some((l) => l.avatar_type === "digital_twin")) {
                throw bad("Consent applies to digital twins only; this group has none", "group_id");
            }
            if (body.consent_video && (body.reroute_url != null || body.consent_text != null)) {
                throw bad("consent_video cannot be combined with reroute_url or consent_text", "consent_video");
            }
            if (body.reroute_url != null) {
                let ok = false;
                try {
                    ok = ["http:", "https:"].includes(new URL(body.reroute_url).protocol);
                } catch { /* not a URL */ }
                if (!ok) throw bad("reroute_url must be an http(s) URL", "reroute_url");
            }
            if (body.consent_text != null) {
                if (Array.from(body.consent_text).length > LIMITS.consentTextMax) throw bad(`consent_text must be at most ${LIMITS.consentTextMax} characters`, "consent_text");
                if (/[<>]/.test(body.consent_text)) throw bad("consent_text must not contain < or >", "consent_text");
            }
            if (body.consent_video) {
                resolveFile(body.consent_video, "video", "consent_video");
                g.consent = { status: "approved", rerouteUrl: null };
                store.touch();
                return { data: { avatar_group: store.groupView(g, false), url: null } };
            }
            g.consent = {
                status: g.consent.status === "approved" ? "approved" : "pending",
                token: g.consent.token ?? crypto.randomBytes(18).toString("base64url"),
                rerouteUrl: body.reroute_url ?? g.consent.rerouteUrl ?? null,
            };
            store.touch();
            return { data: { avatar_group: store.groupView(g, false), url: `${store.baseUrl()}/consent/${g.consent.token}` } };
        }));

    // ---- assets: proxied uploads (≤ 32 MB), direct uploads to storage, listing and deletion ----
    const assetUrl = (id: string) => `${store.baseUrl()}/_files/assets/${id}`;
    const asset = (id: string): AssetRecord => {
        expireUploads();
        const a = st().assets[id];
        if (!a) throw new ApiError(404, "asset_not_found", `Asset ${id} not found`);
        return a;
    };
    const assetView = (a: AssetRecord) => ({
        id: a.id, name: a.name, type: a.mime_type.split("/")[0], owner: OWNER, space_id: SPACE_ID, folder_id: null,
        uploaded_at: a.uploaded_at, url: a.status === "pending_upload" ? null : assetUrl(a.id),
    });
    /** A direct upload whose URL expired without bytes, or whose bytes were never completed within a day, is dropped. */
    function expireUploads(now = nowSeconds()): void {
        for (const a of Object.values(st().assets)) {
            if (a.status !== "pending_upload" || !a.direct) continue;
            if (now > a.direct.expires_at + (a.direct.received ? 24 * 3600 : 0)) store.deleteAsset(a.id);
        }
    }
    // Spec routes this emulator does not serve answer as unknown routes, not as a missing asset.
    const UNSERVED = new Set(["search", "batches", "direct-uploads", "complete"]);
    const unserved = (id: string) => UNSERVED.has(id);

    app.post("/v3/assets", (req, reply) =>
        idempotent(req, reply, async () => {
            if (!req.isMultipart()) throw bad("Request must be multipart/form-data with a 'file' field", "file");
            let part;
            try {
                part = await req.file({ limits: { fileSize: LIMITS.assetMaxBytes, files: 1 } });
            } catch (e) {
                throw bad(`Malformed multipart body: ${(e as Error).message}`, "file");
            }
            if (!part || part.fieldname !== "file") throw bad("file is required", "file");
            const bytes = await part.toBuffer().catch((e: { code?: string; message: string }) => {
                if (e.code === "FST_REQ_FILE_TOO_LARGE") throw new ApiError(413, "payload_too_large", "File is larger than 32 MB", "file");
                throw bad(`Malformed multipart body: ${e.message}`, "file");
            });
            const mime = sniffMediaType(bytes);
            if (!mime) throw bad("Unsupported file type: png, jpeg, mp4, webm, mp3, wav, pdf or srt expected", "file");
            const id = newId();
            store.blobs.put(id, bytes);
            st().assets[id] = changed({
                id, seq: ++st().seq, name: part.filename || id, mime_type: mime, size_bytes: bytes.length, uploaded_at: nowSeconds(),
                sha256: crypto.createHash("sha256").update(bytes).digest("hex"), status: "ready", ...imageSize(bytes),
            });
            return { data: { asset_id: id, url: assetUrl(id), mime_type: mime, size_bytes: bytes.length } };
        }));

    app.post("/v3/assets/direct-uploads", { schema: { body: DirectUploadRequest } }, (req, reply) =>
        idempotent(req, reply, async () => {
            const b = bodyOf<DirectUploadRequest>(req);
            if (b.size_bytes < 1 || b.size_bytes > LIMITS.directUploadMaxBytes) {
                throw bad(`size_bytes must be from 1 to ${LIMITS.directUploadMaxBytes}`, "size_bytes");
            }
            if (!Object.values(MEDIA_TYPES).includes(b.content_type as never)) {
                throw bad(`content_type must be one of ${Object.values(MEDIA_TYPES).join(", ")}`, "content_type");
            }
            const checksum = b.checksum_sha256 ?? null;
            if (checksum !== null && !/^[0-9a-fA-F]{64}$/.test(checksum)) throw bad("checksum_sha256 must be 64 hex digits", "checksum_sha256");
            expireUploads();
            const id = newId();
            const ttl = LIMITS.directUploadTtlSeconds;
            const signature = crypto.randomBytes(16).toString("hex");
            const expires = nowSeconds() + ttl;
            st().assets[id] = changed({
                id, seq: ++st().seq, name: b.filename, mime_type: b.content_type, size_bytes: b.size_bytes, uploaded_at: nowSeconds(), sha256: "",
                status: "pending_upload",
                direct: { content_type: b.content_type, checksum_sha256: checksum?.toLowerCase() ?? null, expires_at: expires, signature, received: false },
            });
            return {
                data: {
                    asset_id: id,
                    upload_url: `${store.baseUrl()}${STORAGE_PREFIX}/${id}?expires=${expires}&signature=${signature}`,
                    upload_headers: storageHeaders(b.content_type, checksum),
                    expires_in_seconds: ttl,
                    max_bytes: b.size_bytes,
                    status: "pending_upload" as const,
                },
            };
        }));

    app.post("/v3/assets/:asset_id/complete", { schema: { body: CompleteUploadRequest } }, (req, reply) => {
        const id = (req.params as { asset_id: string }).asset_id;
        if (unserved(id)) return reply.callNotFound();
        return idempotent(req, reply, async () => {
            const a = asset(id);
            const check = bodyOf<CompleteUploadRequest>(req).checksum_sha256 ?? null;
            if (a.status === "pending_upload") {
                if (!a.direct?.received || !store.blobs.has(id)) throw bad(`No bytes were uploaded for asset ${id}: PUT them to its upload_url first`, "asset_id");
                const head = store.blobs.head(id, 64 * 1024);
                const mime = sniffMediaType(head);
                if (!mime) throw bad("Unsupported file type: png, jpeg, mp4, webm, mp3, wav, pdf or srt expected", "content_type");
                if (mime !== a.direct.content_type) throw bad(`content_type was declared ${a.direct.content_type} but the uploaded bytes are ${mime}`, "content_type");
                if (check && check.toLowerCase() !== a.sha256) throw bad("checksum_sha256 does not match the uploaded bytes", "checksum_sha256");
                Object.assign(a, { status: "ready", mime_type: mime, uploaded_at: nowSeconds(), ...imageSize(head) });
                store.touch();
            } else if (check && check.toLowerCase() !== a.sha256) {
                throw bad("checksum_sha256 does not match the uploaded bytes", "checksum_sha256");
            }
            // Idempotent: every call on a completed asset answers the same.
            return { data: { asset_id: a.id, url: assetUrl(a.id), mime_type: a.mime_type, size_bytes: a.size_bytes, status: "processing" } };
        });
    });

    app.get("/v3/assets", { schema: { querystring: ListAssetsQuery } }, async (req) => {
        expireUploads();
        const ready = Object.values(st().assets).filter((a) => a.status !== "pending_upload").map((a) => ({ ...a, seq: a.seq ?? 0 }));
        return page(ready, req.query as { limit?: string; token?: string }, assetView);
    });

    app.get("/v3/assets/:asset_id", async (req, reply) => {
        const id = (req.params as { asset_id: string }).asset_id;
        if (unserved(id)) return reply.callNotFound();
        return { data: assetView(asset(id)) };
    });

    app.delete("/v3/assets/:asset_id", async (req, reply) => {
        const id = (req.params as { asset_id: string }).asset_id;
        if (unserved(id)) return reply.callNotFound();
        const a = asset(id);
        // A look still training from this asset would lose its input: refused until training ends. [I]
        const user = Object.values(st().looks).find((l) => (l.source.file as { asset_id?: string } | undefined)?.asset_id === id &&
            ["processing", "pending_consent"].includes(store.refreshLook(l, false).training.status));
        if (user) throw new ApiError(409, "conflict", `Asset ${id} is the input of look ${user.id}, which is still ${user.training.status}; delete the asset once training has ended`);
        store.deleteAsset(a.id);
        return { data: { id: a.id } };
    });

    // The presigned upload URL: storage, not the API. No API key (the signature is the credential), the
    // raw body streamed to disk, S3's rules: the signed size, type and checksum, and the expiry.
    app.register(async (storage) => {
        storage.removeAllContentTypeParsers();
        // Leave the body unread: the handler streams it.
        storage.addContentTypeParser("*", (_req, _payload, done) => done(null));
        storage.put(`${STORAGE_PREFIX}/:asset_id`, async (req, reply) => {
            const id = (req.params as { asset_id: string }).asset_id;
            const q = req.query as { expires?: string; signature?: string };
            const fail = (status: number, code: string, message: string) => {
                req.raw.resume(); // drain, so the client reads the answer instead of a reset
                return reply.code(status).type("application/xml").send(s3Error(code, message, id));
            };
            expireUploads();
            const a = st().assets[id];
            if (!a?.direct || q.signature !== a.direct.signature) return fail(403, "AccessDenied", "The request signature is not valid for this object");
            if (nowSeconds() > a.direct.expires_at) return fail(403, "AccessDenied", "Request has expired");
            if (a.status !== "pending_upload") return fail(403, "AccessDenied", "The upload was completed; this URL no longer accepts bytes");
            for (const [h, v] of Object.entries(storageHeaders(a.direct.content_type, a.direct.checksum_sha256))) {
                if (req.headers[h.toLowerCase()] !== v) return fail(403, "SignatureDoesNotMatch", `Header ${h} must be sent as the upload_headers say: ${v}`);
            }
            const length = req.headers["content-length"];
            if (length === undefined) return fail(411, "MissingContentLength", "Content-Length is required");
            if (Number(length) !== a.size_bytes) return fail(403, "SignatureDoesNotMatch", `Content-Length ${length} differs from the ${a.size_bytes} bytes signed into the URL`);
            try {
                const { sha256 } = await store.blobs.receive(id, req.raw, a.size_bytes, a.direct.checksum_sha256 ?? undefined);
                // The asset may have been deleted while its bytes arrived.
                if (!st().assets[id]) {
                    store.blobs.remove(id);
                    return fail(404, "NoSuchKey", "The upload was cancelled");
                }
                a.sha256 = sha256;
                a.direct.received = true;
                store.touch();
            } catch (e) {
                if (e instanceof UploadRejected) return fail(e.status, e.code, e.message);
                throw e;
            }
            return reply.code(200).header("ETag", `"${a.sha256.slice(0, 32)}"`).send();
        });
    });

    // A look's preview picture: the image it was made from when the emulator received its bytes; otherwise
    // (a URL HeyGen would download, a video) a 1x1 placeholder, as every other `/_files/` path.
    app.get("/_files/looks/:file", async (req, reply) => {
        const m = /^([^./]+)\.png$/.exec((req.params as { file: string }).file);
        const file = m && st().looks[m[1]] ? store.blobs.previewFile(m[1]) : undefined;
        if (!file || !fs.existsSync(file)) return reply.type("image/png").send(PNG_1x1);
        const bytes = fs.readFileSync(file);
        return reply.type(sniffMediaType(bytes) ?? "application/octet-stream").send(bytes);
    });

    // An asset's bytes, as its `url` serves them.
    app.get("/_files/assets/:asset_id", async (req, reply) => {
        const a = st().assets[(req.params as { asset_id: string }).asset_id];
        if (!a || a.status === "pending_upload" || !store.blobs.has(a.id)) return reply.code(404).send();
        return reply.type(a.mime_type).header("Content-Length", a.size_bytes).send(fs.createReadStream(store.blobs.file(a.id)));
    });

    app.get("/v3/users/me", async () => ({ data: { username: "emulator", email: "emulator@heygen.invalid", first_name: "HeyGen", last_name: "Emulator" } }));
}
