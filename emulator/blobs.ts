// The bytes of uploaded assets, on disk: under the data dir's `assets/`, or a temporary directory removed
// when the emulator stops. Uploads are streamed in, never held whole: written in 1 MB runs, runs of zeros
// left as holes (so a sparse 5 GB test file costs no disk here either), hashed on the way, and renamed
// into place only when whole and matching what was signed.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Readable } from "stream";

export class UploadRejected extends Error {
    constructor(readonly status: number, readonly code: string, message: string) {
        super(message);
    }
}

const RUN = 1024 * 1024;
const ZEROS = Buffer.alloc(RUN);

function allZero(b: Buffer): boolean {
    for (let at = 0; at < b.length; at += RUN) {
        const piece = b.subarray(at, at + RUN);
        if (!piece.equals(ZEROS.subarray(0, piece.length))) return false;
    }
    return true;
}

export class BlobStore {
    readonly dir: string;
    /** Each look's preview picture (the image it was made from), by look id: apart from assets, which are deleted after training. */
    readonly previewsDir: string;
    private readonly temporary: boolean;

    constructor(dataDir?: string) {
        this.temporary = !dataDir;
        this.dir = dataDir ? path.join(dataDir, "assets") : fs.mkdtempSync(path.join(os.tmpdir(), "heygen-emulator-assets-"));
        this.previewsDir = dataDir ? path.join(dataDir, "previews") : `${this.dir}-previews`;
        fs.mkdirSync(this.dir, { recursive: true });
        fs.mkdirSync(this.previewsDir, { recursive: true });
    }

    previewFile(lookId: string): string {
        return path.join(this.previewsDir, lookId);
    }

    /** Keeps a copy of the picture a look was made from, served as its `preview_image_url`. */
    putPreview(lookId: string, bytes: Buffer): void {
        fs.writeFileSync(this.previewFile(lookId), bytes);
    }

    removePreview(lookId: string): void {
        fs.rmSync(this.previewFile(lookId), { force: true });
    }

    /** Drops the previews of looks that no longer exist (all of them on reset). */
    prunePreviews(keep: (lookId: string) => boolean): void {
        for (const f of fs.readdirSync(this.previewsDir)) if (!keep(f)) fs.rmSync(path.join(this.previewsDir, f), { force: true });
    }

    file(id: string): string {
        return path.join(this.dir, id);
    }

    has(id: string): boolean {
        return fs.existsSync(this.file(id));
    }

    /** The first `n` bytes, for sniffing the type. */
    head(id: string, n = 64): Buffer {
        const fd = fs.openSync(this.file(id), "r");
        try {
            const b = Buffer.alloc(n);
            return b.subarray(0, fs.readSync(fd, b, 0, n, 0));
        } finally {
            fs.closeSync(fd);
        }
    }

    put(id: string, bytes: Buffer): void {
        fs.writeFileSync(this.file(id), bytes);
    }

    remove(id: string): void {
        fs.rmSync(this.file(id), { force: true });
    }

    /**
     * Streams exactly `size` bytes from `body` into the asset's file. A short or long body, or one whose
     * sha256 differs from `checksum`, is refused and leaves nothing behind (an earlier whole upload stays).
     */
    async receive(id: string, body: Readable, size: number, checksum?: string): Promise<{ sha256: string; head: Buffer }> {
        // Its own part file: a retry may arrive while an abandoned attempt still streams.
        const part = `${this.file(id)}.${crypto.randomBytes(4).toString("hex")}.part`;
        const fh = await fs.promises.open(part, "w");
        const hash = crypto.createHash("sha256");
        let pos = 0;
        let run: Buffer[] = [];
        let runLength = 0;
        let head = Buffer.alloc(0);
        const writeRun = async () => {
            if (runLength === 0) return;
            const buf = run.length === 1 ? run[0] : Buffer.concat(run, runLength);
            // A run of zeros becomes a hole: the file is extended by the final truncate.
            if (!allZero(buf)) await fh.write(buf, 0, buf.length, pos);
            pos += buf.length;
            run = [];
            runLength = 0;
        };
        try {
            for await (const chunk of body as AsyncIterable<Buffer>) {
                if (pos + runLength + chunk.length > size) throw new UploadRejected(400, "EntityTooLarge", `the body is longer than the ${size} bytes signed into the URL`);
                hash.update(chunk);
                if (head.length < 64) head = Buffer.concat([head, chunk.subarray(0, 64 - head.length)]);
                run.push(chunk);
                runLength += chunk.length;
                if (runLength >= RUN) await writeRun();
            }
            await writeRun();
            if (pos !== size) throw new UploadRejected(400, "IncompleteBody", `received ${pos} of the ${size} bytes signed into the URL`);
            await fh.truncate(size);
            await fh.close();
        } catch (e) {
            await fh.close().catch(() => undefined);
            fs.rmSync(part, { force: true });
            throw e;
        }
        const sha256 = hash.digest("hex");
        if (checksum && sha256 !== checksum.toLowerCase()) {
            fs.rmSync(part, { force: true });
            throw new UploadRejected(400, "BadDigest", "the sha256 of the body does not match the checksum signed into the URL");
        }
        fs.renameSync(part, this.file(id));
        return { sha256, head };
    }

    /** Removes the temporary directory; a data dir's files stay with its state. */
    close(): void {
        if (this.temporary) {
            fs.rmSync(this.dir, { recursive: true, force: true });
            fs.rmSync(this.previewsDir, { recursive: true, force: true });
        }
    }

    /** Drops files no asset refers to (an emulator killed mid-upload, or state reset). */
    prune(keep: (id: string) => boolean): void {
        for (const f of fs.readdirSync(this.dir)) {
            if (f.endsWith(".part") || !keep(f)) fs.rmSync(path.join(this.dir, f), { force: true });
        }
    }
}
