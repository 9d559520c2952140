// What the emulator knows about files: the media type sniffed from bytes, image size, and the
// deterministic "download" rule for URL inputs (the real API fetches them; the emulator cannot).
export const MEDIA_TYPES = {
    png: "image/png",
    jpeg: "image/jpeg",
    mp4: "video/mp4",
    webm: "video/webm",
    mp3: "audio/mpeg",
    wav: "audio/wav",
    pdf: "application/pdf",
    srt: "application/x-subrip",
} as const;

/** What `/_files/` serves for a picture the emulator does not hold: a valid 1x1 grey PNG (strict decoders read it too). */
export const PNG_1x1 = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4AWM4c+bMfwAIMANkdsI9aQAAAABJRU5ErkJggg==", "base64");

export function sniffMediaType(b: Buffer): string | undefined {
    const at = (i: number, ...bytes: number[]) => bytes.every((x, k) => b[i + k] === x);
    if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return MEDIA_TYPES.png;
    if (at(0, 0xff, 0xd8, 0xff)) return MEDIA_TYPES.jpeg;
    if (b.length >= 12 && b.toString("latin1", 4, 8) === "ftyp") return MEDIA_TYPES.mp4;
    if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return MEDIA_TYPES.webm;
    if (b.toString("latin1", 0, 3) === "ID3" || at(0, 0xff, 0xfb) || at(0, 0xff, 0xf3)) return MEDIA_TYPES.mp3;
    if (b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WAVE") return MEDIA_TYPES.wav;
    if (b.toString("latin1", 0, 5) === "%PDF-") return MEDIA_TYPES.pdf;
    if (/^\s*\d+\r?\n\d\d:\d\d:\d\d,\d\d\d --> /.test(b.toString("utf8", 0, 64))) return MEDIA_TYPES.srt;
    return undefined;
}

/** Width and height of a PNG or baseline/progressive JPEG, when the header says. */
export function imageSize(b: Buffer): { width: number; height: number } | undefined {
    const type = sniffMediaType(b);
    if (type === MEDIA_TYPES.png && b.length >= 24) return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
    if (type === MEDIA_TYPES.jpeg) {
        let i = 2;
        while (i + 9 < b.length) {
            if (b[i] !== 0xff) return undefined;
            const marker = b[i + 1];
            const len = b.readUInt16BE(i + 2);
            if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
                return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
            }
            i += 2 + len;
        }
    }
    return undefined;
}

export const isImage = (t: string) => t === MEDIA_TYPES.png || t === MEDIA_TYPES.jpeg;
export const isVideo = (t: string) => t === MEDIA_TYPES.mp4 || t === MEDIA_TYPES.webm;

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
