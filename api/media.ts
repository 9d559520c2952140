// What a file's first bytes say, as HeyGen reads them: its media type and, for a photo, its size in
// pixels. Plain TypeScript without dependencies: the emulator answers with it and the provider checks
// files with it at preview (its package ships api/), so both read headers the same way.
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

/** The media type HeyGen sniffs from a file's first bytes (16 are enough), or undefined when it is none it knows. */
export function sniffMediaType(b: Uint8Array): string | undefined {
    const at = (i: number, ...bytes: number[]) => bytes.every((x, k) => b[i + k] === x);
    const text = (from: number, to: number) => String.fromCharCode(...b.subarray(from, Math.min(to, b.length)));
    if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return MEDIA_TYPES.png;
    if (at(0, 0xff, 0xd8, 0xff)) return MEDIA_TYPES.jpeg;
    if (b.length >= 12 && text(4, 8) === "ftyp") return MEDIA_TYPES.mp4;
    if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return MEDIA_TYPES.webm;
    if (text(0, 3) === "ID3" || at(0, 0xff, 0xfb) || at(0, 0xff, 0xf3)) return MEDIA_TYPES.mp3;
    if (text(0, 4) === "RIFF" && text(8, 12) === "WAVE") return MEDIA_TYPES.wav;
    if (text(0, 5) === "%PDF-") return MEDIA_TYPES.pdf;
    if (/^\s*\d+\r?\n\d\d:\d\d:\d\d,\d\d\d --> /.test(Buffer.from(b.subarray(0, 64)).toString("utf8"))) return MEDIA_TYPES.srt;
    return undefined;
}

export const isImage = (t: string | undefined): boolean => t === MEDIA_TYPES.png || t === MEDIA_TYPES.jpeg;
export const isVideo = (t: string | undefined): boolean => t === MEDIA_TYPES.mp4 || t === MEDIA_TYPES.webm;

/**
 * Width and height of a PNG (its IHDR chunk) or a JPEG (its first start-of-frame segment, baseline or
 * progressive), from the file's first bytes; undefined when the bytes are neither, or end before the
 * header says. A JPEG's frame comes after its metadata segments (EXIF, ICC profile), so it may need more
 * than the first few kilobytes: give the bytes read so far, and read more when this answers undefined.
 */
export function imageSize(b: Uint8Array): { width: number; height: number } | undefined {
    const u16 = (i: number) => (b[i] << 8) | b[i + 1];
    const u32 = (i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    const type = sniffMediaType(b);
    if (type === MEDIA_TYPES.png) {
        // Signature (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4).
        if (b.length < 24 || String.fromCharCode(...b.subarray(12, 16)) !== "IHDR") return undefined;
        return { width: u32(16), height: u32(20) };
    }
    if (type === MEDIA_TYPES.jpeg) {
        let i = 2; // after SOI
        while (i + 4 <= b.length) {
            if (b[i] !== 0xff) return undefined; // not at a marker: not a JPEG we can read
            const marker = b[i + 1];
            if (marker === 0xff) {
                i++; // fill byte
                continue;
            }
            // Markers without a length: TEM, RSTn (none expected before a frame, but harmless).
            if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                i += 2;
                continue;
            }
            if (marker === 0xd9 || marker === 0xda) return undefined; // end of image, start of scan: no frame header before it
            const len = u16(i + 2);
            // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC): length (2), precision (1), height (2), width (2).
            if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
                if (i + 9 > b.length) return undefined;
                return { height: u16(i + 5), width: u16(i + 7) };
            }
            if (len < 2) return undefined;
            i += 2 + len;
        }
    }
    return undefined;
}
