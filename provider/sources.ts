// File sources (a photo, footage, reference images): exactly one of url, path, assetId, or base64 with its
// mediaType, checked and normalized at check time. Local files are hashed then, so a content change forces
// replacement; base64 bytes stay in the provider process's memory (see `stage`) and only their hash is
// kept, so no uploaded bytes ever reach state or disk. How the bytes reach HeyGen: resources/uploads.ts.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { Input } from "@pulumi/pulumi";
import { LIMITS } from "../api/constants";
import { imageSize, sniffMediaType } from "../api/media";
import type { FileInput } from "../api/schema";
import { memory } from "./memory";
import { type Failure, isUnknown } from "./values";

export type ImageMediaType = "image/jpeg" | "image/png";
export type VideoMediaType = "video/mp4" | "video/webm";
export type MediaType = ImageMediaType | VideoMediaType;

// Each kind of source rules out the other kinds' fields, so the compiler allows exactly one.
type NoOtherSource = { url?: never; path?: never; assetId?: never; base64?: never };

/** A public, direct https link HeyGen downloads the file from. */
export interface UrlSource<M extends MediaType = MediaType> extends Omit<NoOtherSource, "url"> {
    /** A public, direct https link HeyGen can download. */
    url: Input<string>;
    /** The file's type, when it is given: checked against what the look takes. */
    mediaType?: Input<M>;
}

/** A local file, uploaded to HeyGen at create; its bytes' hash decides whether it changed. */
export interface PathSource<M extends MediaType = MediaType> extends Omit<NoOtherSource, "path"> {
    /** A local file, relative to the project directory (where Pulumi.yaml is); uploaded as an asset at create. */
    path: Input<string>;
    /** The file's type, when given: checked against its bytes, which decide (HeyGen reads the type from them, not from the name). */
    mediaType?: Input<M>;
}

/** An asset already uploaded to HeyGen. */
export interface AssetSource<M extends MediaType = MediaType> extends Omit<NoOtherSource, "assetId"> {
    /** The id of an asset already uploaded to HeyGen (POST /v3/assets). */
    assetId: Input<string>;
    /** The file's type, when it is given: checked against what the look takes. */
    mediaType?: Input<M>;
}

/** The file's bytes in the program; uploaded at create. Never stored in state or on disk (their hash is). */
export interface Base64Source<M extends MediaType = MediaType> extends Omit<NoOtherSource, "base64"> {
    /** The file's bytes, base64-encoded. Never stored in state (their sha256 is). */
    base64: Input<string>;
    /** The bytes' type: required, as there is no file name to tell it. */
    mediaType: Input<M>;
}

/** A file a look is made from: exactly one of `url`, `path`, `assetId`, or `base64` with its `mediaType`. */
export type FileSource<M extends MediaType = MediaType> = UrlSource<M> | PathSource<M> | AssetSource<M> | Base64Source<M>;
/** A photo (JPEG or PNG). */
export type ImageSource = FileSource<ImageMediaType>;
/** A video (MP4 or WebM). */
export type VideoSource = FileSource<VideoMediaType>;

/** What state keeps: the source, plus the content hash of local or inline bytes. */
export interface StoredFileSource {
    url?: string;
    path?: string;
    assetId?: string;
    mediaType?: string;
    /** sha256 of the file's bytes (path or base64 sources). */
    sha256?: string;
    size?: number;
}

/** `photo`: an image a look is trained from, which HeyGen takes only from 512×512 pixels up. */
export type FileKind = "image" | "photo" | "video";
export const MEDIA_TYPES: Record<FileKind, string[]> = { image: ["image/jpeg", "image/png"], photo: ["image/jpeg", "image/png"], video: ["video/mp4", "video/webm"] };
const EXTENSIONS: Record<string, string> = { ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/mp4" };
/** What people call the types a kind takes, and the kind itself. */
const TYPE_NAMES: Record<FileKind, [string, string]> = { image: ["JPEG", "PNG"], photo: ["JPEG", "PNG"], video: ["MP4", "WebM"] };
const A_KIND: Record<FileKind, string> = { image: "an image", photo: "a photo", video: "a video" };

export { sniffMediaType };

/**
 * Pure: what is wrong with a file's bytes for what it is given as, or undefined. HeyGen reads the type
 * from the bytes (neither the name nor a declared mediaType counts), and trains a photo only from
 * 512×512 pixels up. `size` is the photo's, when its header says; `what` names the file in the message.
 */
export function bytesProblem(kind: FileKind, sniffed: string | undefined, what: string, size?: { width: number; height: number }): string | undefined {
    const [a, b] = TYPE_NAMES[kind];
    if (!sniffed) {
        return `${what} holds neither ${a} nor ${b} bytes, and HeyGen reads a file's type from its bytes (not from its name or mediaType): ` +
            `give ${A_KIND[kind]} file (${MEDIA_TYPES[kind].join(" or ")})`;
    }
    if (!MEDIA_TYPES[kind].includes(sniffed)) return `${what} holds ${sniffed} bytes; ${A_KIND[kind]} is needed (${MEDIA_TYPES[kind].join(" or ")})`;
    const min = LIMITS.photoMinPixels;
    if (kind === "photo" && size && (size.width < min || size.height < min)) {
        return `${what} holds a photo of ${size.width}×${size.height} pixels; HeyGen trains a look only from a photo of at least ${min}×${min} pixels: give a larger photo`;
    }
    return undefined;
}

/**
 * Pure: what is wrong with a URL's file for what it is given as, judged by the extension of its path
 * (what HeyGen downloads is not known before `up`), or undefined. A path without a known extension passes
 * (a CDN link often has none).
 */
export function urlExtensionProblem(kind: FileKind, url: string): string | undefined {
    let pathname: string;
    try {
        pathname = new URL(url).pathname;
    } catch {
        return undefined;
    }
    const ext = path.posix.extname(pathname).toLowerCase();
    const type = EXTENSIONS[ext];
    if (!type || MEDIA_TYPES[kind].includes(type)) return undefined;
    return `'${url}' ends in ${ext}, ${type.startsWith("video/") ? "a video" : "an image"}'s extension; ${A_KIND[kind]} is needed (${TYPE_NAMES[kind].join(" or ")}): give the URL of ${A_KIND[kind]} file`;
}

const SOURCES = ["url", "path", "assetId", "base64"] as const;

/**
 * Validates a file source and returns what to keep in state. Pure but for reading the local file (its
 * size and hash) and staging base64 bytes. Unknown values (at preview) pass through untouched.
 */
export function checkFileSource(value: unknown, property: string, kind: FileKind, failures: Failure[]): StoredFileSource | unknown {
    if (isUnknown(value)) return value;
    const fix = `set exactly one of ${property}.url, ${property}.path, ${property}.assetId or ${property}.base64 (with ${property}.mediaType)`;
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        failures.push({ property, reason: `must be an object: ${fix}` });
        return value;
    }
    const src = value as Record<string, unknown>;
    if (Object.values(src).some(isUnknown)) return value;
    const unknownKeys = Object.keys(src).filter((k) => ![...SOURCES, "mediaType", "sha256", "size"].includes(k));
    if (unknownKeys.length) failures.push({ property: `${property}.${unknownKeys[0]}`, reason: `is not a file source field: ${fix}` });
    const given = SOURCES.filter((k) => src[k] !== undefined && src[k] !== null);
    if (given.length !== 1) {
        failures.push({ property, reason: given.length ? `has ${given.join(" and ")}: ${fix}` : `has no source: ${fix}` });
        return value;
    }
    const mediaType = src.mediaType as string | undefined;
    if (mediaType !== undefined && !MEDIA_TYPES[kind].includes(mediaType)) {
        failures.push({ property: `${property}.mediaType`, reason: `'${mediaType}' is not supported here: use ${MEDIA_TYPES[kind].join(" or ")}` });
    }
    const which = given[0];
    const text = src[which];
    if (typeof text !== "string" || text.trim() === "") {
        failures.push({ property: `${property}.${which}`, reason: "must be a non-empty string" });
        return value;
    }
    switch (which) {
        case "url": {
            let u: URL | undefined;
            try {
                u = new URL(text);
            } catch { /* reported below */ }
            if (!u || u.protocol !== "https:") {
                failures.push({ property: `${property}.url`, reason: `'${text}' is not an https URL: HeyGen downloads only public https links (or use ${property}.path to upload a local file)` });
            } else {
                const wrong = urlExtensionProblem(kind, text);
                if (wrong) failures.push({ property: `${property}.url`, reason: wrong });
            }
            return { url: text, ...(mediaType ? { mediaType } : {}) };
        }
        case "assetId":
            return { assetId: text, ...(mediaType ? { mediaType } : {}) };
        case "path": {
            // `./a.png`, `a.png` and `media/../a.png` are one file: state keeps the normal form.
            const rel = normalizePath(text);
            const abs = resolveLocal(rel);
            let stat: fs.Stats | undefined;
            try {
                stat = fs.statSync(abs);
            } catch {
                failures.push({ property: `${property}.path`, reason: `file '${text}' does not exist (looked in ${abs})` });
                return value;
            }
            if (!stat.isFile()) {
                failures.push({ property: `${property}.path`, reason: `'${text}' is not a file` });
                return value;
            }
            if (stat.size > LIMITS.directUploadMaxBytes) {
                failures.push({ property: `${property}.path`, reason: `'${text}' is ${mb(stat.size)}; HeyGen's direct upload takes at most ${mb(LIMITS.directUploadMaxBytes)}` });
                return value;
            }
            if (stat.size === 0) {
                failures.push({ property: `${property}.path`, reason: `'${text}' is empty` });
                return value;
            }
            // HeyGen sniffs the type from the bytes, and so does this: the name says nothing. Only the first
            // bytes are read here (footage can be gigabytes: hashFile streams the rest); a photo's, up to its size.
            const head = readHead(abs, kind === "photo" ? 64 * 1024 : 16);
            const sniffed = sniffMediaType(head);
            const problem = bytesProblem(kind, sniffed, `'${text}'`, kind === "photo" ? photoSize(abs, stat.size, head) : undefined);
            if (sniffed && mediaType && sniffed !== mediaType && MEDIA_TYPES[kind].includes(sniffed)) {
                failures.push({ property: `${property}.mediaType`, reason: `is '${mediaType}' but '${text}' holds ${sniffed} bytes: remove mediaType or set it to '${sniffed}'` });
            } else if (problem) {
                failures.push({ property: `${property}.path`, reason: problem });
            }
            return { path: rel, ...(sniffed ? { mediaType: sniffed } : {}), ...hashFile(abs) };
        }
        case "base64": {
            if (!mediaType) {
                failures.push({ property: `${property}.mediaType`, reason: `is required with ${property}.base64: use ${MEDIA_TYPES[kind].join(" or ")}` });
                return { sha256: sha256(Buffer.from(text)) };
            }
            if (!/^[A-Za-z0-9+/\s]+=*\s*$/.test(text)) {
                failures.push({ property: `${property}.base64`, reason: "is not valid base64" });
                return { mediaType, sha256: sha256(Buffer.from(text)) };
            }
            const bytes = Buffer.from(text, "base64");
            if (bytes.length > LIMITS.assetMaxBytes) {
                failures.push({ property: `${property}.base64`, reason: `decodes to ${mb(bytes.length)}; HeyGen accepts at most 32 MB` });
            }
            const sniffed = sniffMediaType(bytes);
            const problem = bytesProblem(kind, sniffed, `${property}.base64`, kind === "photo" ? imageSize(bytes) : undefined);
            if (sniffed && sniffed !== mediaType && MEDIA_TYPES[kind].includes(mediaType) && MEDIA_TYPES[kind].includes(sniffed)) {
                failures.push({ property: `${property}.mediaType`, reason: `is '${mediaType}' but the bytes are ${sniffed}: set it to '${sniffed}'` });
            } else if (problem && MEDIA_TYPES[kind].includes(mediaType)) {
                failures.push({ property: `${property}.base64`, reason: problem });
            }
            const hash = sha256(bytes);
            stage(hash, bytes);
            return { mediaType, sha256: hash, size: bytes.length };
        }
    }
}

/**
 * What HeyGen gets from a file source, and so what decides whether a look must be made anew: the bytes'
 * hash for local and inline files (however they are given or wherever they sit), else the URL or asset
 * id. A declared `mediaType` is not part of it: HeyGen reads the type from the bytes. Unknown values
 * (preview) and what is not a stored source are returned as they are.
 */
export function fileIdentity(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(fileIdentity);
    if (!v || typeof v !== "object" || Object.values(v).some(isUnknown)) return v;
    const s = v as StoredFileSource;
    if (typeof s.sha256 === "string") return { sha256: s.sha256 };
    if (typeof s.url === "string") return { url: s.url };
    if (typeof s.assetId === "string") return { assetId: s.assetId };
    return v;
}

/** `./a.png` → `a.png`, `a/../b.png` → `b.png`, backslashes as slashes; absolute paths stay absolute. */
export function normalizePath(p: string): string {
    const n = path.posix.normalize(p.replace(/\\/g, "/"));
    return n.startsWith("./") ? n.slice(2) : n;
}

/** The first `n` bytes of a file (fewer if it is shorter). */
export function readHead(abs: string, n: number): Buffer {
    const buf = Buffer.alloc(n);
    const fd = fs.openSync(abs, "r");
    try {
        return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * A photo's size in pixels from its header: the first 64 KB usually hold it; a JPEG whose metadata (EXIF,
 * an ICC profile) is longer is read further, up to the most HeyGen takes for an upload.
 */
function photoSize(abs: string, size: number, head: Buffer): { width: number; height: number } | undefined {
    const dims = imageSize(head);
    if (dims || head.length >= size) return dims;
    return imageSize(readHead(abs, Math.min(size, LIMITS.assetMaxBytes)));
}

/** sha256 and size of a file, read in 1 MB pieces: a file of gigabytes never sits in memory. */
export function hashFile(abs: string): { sha256: string; size: number } {
    const h = crypto.createHash("sha256");
    const buf = Buffer.allocUnsafe(1024 * 1024);
    const fd = fs.openSync(abs, "r");
    let total = 0;
    try {
        for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; total += n) h.update(buf.subarray(0, n));
    } finally {
        fs.closeSync(fd);
    }
    return { sha256: h.digest("hex"), size: total };
}

/**
 * A relative path means the project directory, as it does in the program (which runs there). The
 * provider process runs in the program's directory, which may be below it (`main: src/index.ts`), so
 * the project directory is found by walking up to Pulumi.yaml.
 */
export function resolveLocal(p: string, from = process.cwd()): string {
    if (path.isAbsolute(p)) return p;
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml")) || fs.existsSync(path.join(dir, "Pulumi.yml"))) return path.join(dir, p);
        if (path.dirname(dir) === dir) return path.resolve(from, p);
    }
}

export function sha256(bytes: Buffer): string {
    return crypto.createHash("sha256").update(bytes).digest("hex");
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// Inline bytes wait in this provider process's memory, by content hash, between check and create: during
// `up` the engine runs both in the same provider process (check always precedes create there). Nothing is
// written to disk, so no other user of the machine can read them or swap them, and nothing outlives the
// run. They cannot go right after their upload: another resource of the run may hold the same bytes.
export function stage(hash: string, bytes: Buffer): void {
    memory.staged.set(hash, bytes);
}

/** The staged bytes for a hash, checked against it again right before they are uploaded. */
export function unstage(hash: string, property: string): Buffer {
    const bytes = memory.staged.get(hash);
    if (!bytes || sha256(bytes) !== hash) {
        throw new Error(`${property}.base64: the bytes were not checked in this run of the provider; run \`pulumi up\` again`);
    }
    return bytes;
}
