// What the emulator knows about files: the media type sniffed from bytes, image size, and the
// deterministic "download" rule for URL inputs (the real API fetches them; the emulator cannot).
// Sniffing and image sizes are the provider's too (it checks files at preview): one copy, in api/media.ts.
import { MEDIA_TYPES } from "../api/media";
export { MEDIA_TYPES, imageSize, isImage, isVideo, sniffMediaType } from "../api/media";

export type Download = { ok: true; mediaType: string } | { ok: false; code: string; message: string };

/**
 * The emulator's stand-in for HeyGen fetching a URL:
 * - not http(s) → 400 invalid_parameter;
 * - a host that is `.invalid` or ends in `.invalid` (RFC 2606) → 400 download_failed, naming the URL;
 * - otherwise the media type comes from the path's extension; an unknown extension counts as the type the
 *   caller needs (a CDN link without one is common).
 */
export function download(url: string, wanted: "image" | "video"): Download {
    let u: URL;
    try {
        u = new URL(url);
    } catch {
        return { ok: false, code: "invalid_parameter", message: `'${url}' is not a valid URL` };
    }
    if (u.protocol !== "https:" && u.protocol !== "http:") {
        return { ok: false, code: "invalid_parameter", message: `URL must be http or https: ${url}` };
    }
    if (u.hostname === "invalid" || u.hostname.endsWith(".invalid")) {
        return { ok: false, code: "download_failed", message: `Failed to download file from URL: ${url}` };
    }
    const ext = (/\.([a-z0-9]+)$/i.exec(u.pathname)?.[1] ?? "").toLowerCase();
    const byExt: Record<string, string> = {
        png: MEDIA_TYPES.png, jpg: MEDIA_TYPES.jpeg, jpeg: MEDIA_TYPES.jpeg, mp4: MEDIA_TYPES.mp4,
        mov: MEDIA_TYPES.mp4, webm: MEDIA_TYPES.webm, mp3: MEDIA_TYPES.mp3, wav: MEDIA_TYPES.wav, pdf: MEDIA_TYPES.pdf,
    };
    return { ok: true, mediaType: byExt[ext] ?? (wanted === "image" ? MEDIA_TYPES.jpeg : MEDIA_TYPES.mp4) };
}

/**
 * The failure rule, so that tests and people can provoke a failed training deterministically: training
 * fails when the look's name contains `[fail]` or its file URL's path contains `fail-training`; digital
 * twin footage whose URL path contains `too-short` fails as HeyGen reports short footage.
 */
export function trainingOutcome(name: string, url?: string): { ok: true } | { ok: false; code: string; message: string } {
    const path = url ? safePath(url) : "";
    if (path.includes("too-short")) return { ok: false, code: "training_failed", message: "Footage is too short or too long" };
    if (name.includes("[fail]") || path.includes("fail-training")) {
        return { ok: false, code: "training_failed", message: "Avatar training failed: no usable face was found in the input" };
    }
    return { ok: true };
}

function safePath(url: string): string {
    try {
        return new URL(url).pathname;
    } catch {
        return "";
    }
}
