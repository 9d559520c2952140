// Pictures for the review page: a local file or a look's current picture (its previewImageUrl), made into
// a small JPEG thumbnail (at most 256 px a side) embedded in the page, so the page stands alone and stays
// small. Decoding is pure JavaScript (pngjs, jpeg-js: no native binary, no dependencies of their own),
// loaded here only, so the provider process never loads them. Anything that goes wrong is a line for the
// reader (missing, unreadable, too large, not an image), never a crash.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

export const PICTURE_LIMITS = {
    /** Side of a thumbnail, in pixels. */
    side: 256,
    /** A file larger than this is not read (a picture for HeyGen is a few MB). */
    maxFileBytes: 64 * 1024 * 1024,
    /** Decoding needs 4 bytes a pixel: past this the picture is described, not shown. */
    maxPixels: 50_000_000,
    /** How long a current picture may take to download. */
    fetchTimeoutMs: 5000,
};

export type Picture =
    | { ok: true; dataUri: string; width: number; height: number; sourceWidth: number; sourceHeight: number; note?: string }
    | { ok: false; line: string };

export interface ImageHeader {
    type: "image/png" | "image/jpeg";
    width: number;
    height: number;
}

/** Type and size from the first bytes: PNG's IHDR, or a JPEG's first frame header. */
export function readHeader(b: Buffer): ImageHeader | { unknown: string } | { truncated: true } {
    if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
        if (b.length < 24) return { truncated: true };
        return { type: "image/png", width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
    }
    if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
        let i = 2;
        while (i + 9 < b.length) {
            if (b[i] !== 0xff) return { unknown: "a damaged JPEG" };
            const marker = b[i + 1];
            if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
                return { type: "image/jpeg", height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
            }
            i += 2 + b.readUInt16BE(i + 2);
        }
        return { truncated: true };
    }
    return { unknown: describeBytes(b) };
}

/** What a non-image looks like, for the line that says so. */
export function describeBytes(b: Buffer): string {
    if (b.length === 0) return "an empty file";
    const text = b.subarray(0, 4).toString("latin1");
    if (b.length >= 12 && b.toString("latin1", 4, 8) === "ftyp") return "an MP4 video";
    if (text === "%PDF") return "a PDF";
    if (text === "GIF8") return "a GIF (HeyGen takes PNG or JPEG)";
    if (text === "RIFF" && b.toString("latin1", 8, 12) === "WEBP") return "a WebP image (HeyGen takes PNG or JPEG)";
    const printable = [...b.subarray(0, 64)].every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
    return printable ? "text" : `bytes starting ${b.subarray(0, 4).toString("hex")}`;
}

/** Whether a picture of this header can be shown, or the line saying why not. */
export function judge(header: ReturnType<typeof readHeader>, what: string): { ok: true; header: ImageHeader } | { ok: false; line: string } {
    if ("unknown" in header) return { ok: false, line: `${what} is not a PNG or JPEG image: it is ${header.unknown}` };
    if ("truncated" in header) return { ok: false, line: `${what} is not a whole image: its header is cut short` };
    if (header.width === 0 || header.height === 0) return { ok: false, line: `${what} says it is ${header.width}x${header.height} pixels: not a usable image` };
    if (header.width * header.height > PICTURE_LIMITS.maxPixels) {
        return { ok: false, line: `${what} is ${header.width}x${header.height} pixels: too large to show here (over ${PICTURE_LIMITS.maxPixels / 1e6} megapixels)` };
    }
    return { ok: true, header };
}

/** Thumbnail size for a picture: at most `side` on its longer side, never enlarged. */
export function fitWithin(width: number, height: number, side: number): { width: number; height: number } {
    const scale = Math.min(1, side / Math.max(width, height));
    return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

interface Rgba {
    width: number;
    height: number;
    data: Uint8Array;
}

function decode(bytes: Buffer, type: ImageHeader["type"]): Rgba {
    if (type === "image/png") {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const { PNG } = require("pngjs") as { PNG: { sync: { read(b: Buffer): Rgba } } };
        return PNG.sync.read(bytes);
    }
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jpeg = require("jpeg-js") as { decode(b: Buffer, o: object): Rgba };
    return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: PICTURE_LIMITS.maxPixels / 1e6, maxMemoryUsageInMB: 1024 });
}

/** Area-average downscale to `width`x`height`, transparent pixels over white (JPEG has no alpha). */
export function shrink(src: Rgba, width: number, height: number): Rgba {
    const sums = new Float64Array(width * height * 4);
    const xs = new Int32Array(src.width);
    for (let x = 0; x < src.width; x++) xs[x] = Math.min(width - 1, Math.floor((x * width) / src.width));
    for (let y = 0; y < src.height; y++) {
        const ty = Math.min(height - 1, Math.floor((y * height) / src.height));
        for (let x = 0; x < src.width; x++) {
            const s = (y * src.width + x) * 4;
            const t = (ty * width + xs[x]) * 4;
            const a = src.data[s + 3] / 255;
            sums[t] += src.data[s] * a + 255 * (1 - a);
            sums[t + 1] += src.data[s + 1] * a + 255 * (1 - a);
            sums[t + 2] += src.data[s + 2] * a + 255 * (1 - a);
            sums[t + 3] += 1;
        }
    }
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) {
        const n = sums[i * 4 + 3] || 1;
        data[i * 4] = sums[i * 4] / n;
        data[i * 4 + 1] = sums[i * 4 + 1] / n;
        data[i * 4 + 2] = sums[i * 4 + 2] / n;
        data[i * 4 + 3] = 255;
    }
    return { width, height, data };
}

/** A picture's bytes as an embedded thumbnail, or the line saying why it cannot be shown. */
export function thumbnail(bytes: Buffer, what: string, side = PICTURE_LIMITS.side): Picture {
    const verdict = judge(readHeader(bytes.subarray(0, 256 * 1024)), what);
    if (!verdict.ok) return verdict;
    let image: Rgba;
    try {
        image = decode(bytes, verdict.header.type);
    } catch (e) {
        return { ok: false, line: `${what} could not be decoded as ${verdict.header.type === "image/png" ? "PNG" : "JPEG"} (${oneLine(e)})` };
    }
    const size = fitWithin(image.width, image.height, side);
    const small = shrink(image, size.width, size.height);
    const out = jpegEncoder().encode(small, QUALITY);
    return { ok: true, dataUri: `data:image/jpeg;base64,${out.toString("base64")}`, ...size, sourceWidth: image.width, sourceHeight: image.height };
}

const QUALITY = 80;
type Encoder = { encode(i: Rgba, quality: number): Buffer };
let encoder: Encoder | undefined;

/**
 * One JPEG encoder for every thumbnail. jpeg-js's `encode()` builds a new encoder per call, and building one
 * (its Huffman and colour tables) takes some 90 ms, twenty times the encoding of a thumbnail: 1,000 looks
 * would take 90 s. Its module keeps the encoder's constructor private, so it is taken from the module's
 * source; should a later jpeg-js change that, each thumbnail uses `encode()` (slower, same pictures).
 */
function jpegEncoder(): Encoder {
    if (encoder) return encoder;
    try {
        const file = require.resolve("jpeg-js/lib/encoder.js");
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        const make = new Function("module", "require", `${fs.readFileSync(file, "utf8")}\nreturn JPEGEncoder;`);
        const JPEGEncoder = make({ exports: {} }, require) as new (q: number) => Encoder;
        encoder = new JPEGEncoder(QUALITY);
    } catch {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        const jpeg = require("jpeg-js") as { encode(i: Rgba, quality: number): { data: Buffer } };
        encoder = { encode: (i, q) => jpeg.encode(i, q).data };
    }
    return encoder;
}

const oneLine = (e: unknown) => String((e as Error)?.message ?? e).split("\n")[0].slice(0, 200);

/** A local file named in state (relative to the project directory), as a thumbnail or a line. */
export function localPicture(projectDir: string, rel: string, expectedSha256?: string, side?: number): Picture {
    const file = path.resolve(projectDir, rel);
    const what = `\`${rel}\``;
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return { ok: false, line: code === "ENOENT" ? `${what} is not in ${projectDir}: run the review where the preview ran, with the same files` : `${what} cannot be read (${code ?? oneLine(e)})` };
    }
    if (!stat.isFile()) return { ok: false, line: `${what} is not a file` };
    if (stat.size > PICTURE_LIMITS.maxFileBytes) return { ok: false, line: `${what} is ${(stat.size / 1048576).toFixed(0)} MB: too large to show here (over ${PICTURE_LIMITS.maxFileBytes / 1048576} MB)` };
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(file);
    } catch (e) {
        return { ok: false, line: `${what} cannot be read (${(e as NodeJS.ErrnoException).code ?? oneLine(e)})` };
    }
    const pic = thumbnail(bytes, what, side);
    if (pic.ok && expectedSha256 && crypto.createHash("sha256").update(bytes).digest("hex") !== expectedSha256) {
        pic.note = `${what} has changed since the preview (its sha256 differs): this is the file as it is now`;
    }
    return pic;
}

/** A look's current picture, downloaded (HeyGen's links expire; an embedded copy does not). */
export async function remotePicture(url: string, side?: number): Promise<Picture> {
    const what = "the current picture";
    if (!/^https?:\/\//i.test(url)) return { ok: false, line: `${what} has no http(s) link` };
    try {
        const res = await fetch(url, { signal: AbortSignal.timeout(PICTURE_LIMITS.fetchTimeoutMs), redirect: "follow" });
        if (!res.ok) return { ok: false, line: `${what} could not be downloaded (HTTP ${res.status})` };
        const length = Number(res.headers.get("content-length") ?? 0);
        if (length > PICTURE_LIMITS.maxFileBytes) return { ok: false, line: `${what} is ${(length / 1048576).toFixed(0)} MB: too large to show here` };
        const bytes = Buffer.from(await res.arrayBuffer());
        return thumbnail(bytes, what, side);
    } catch (e) {
        return { ok: false, line: `${what} could not be downloaded (${oneLine((e as { cause?: unknown }).cause ?? e)})` };
    }
}
