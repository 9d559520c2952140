// The emulator's state: groups, looks, assets and idempotency records, with HeyGen's views of them.
// In memory by default; with a data dir, saved after every change by writing a temporary file, syncing it
// and renaming it over the old one, so a crash mid-write leaves the previous state whole. A lock file
// keeps two emulators from sharing one data dir.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { AvatarGroupItem, AvatarLookItem, AvatarType, CreateType, LookStatus } from "../api/schema";
import type { AccountSnapshot } from "../api/snapshot";
import { BlobStore } from "./blobs";
import { advance, groupStatus, onConsent, type Timing, type TrainingState } from "./lifecycle";

export interface GroupRecord {
    id: string;
    seq: number;
    name: string;
    created_at: number;
    public: boolean;
    gender: string | null;
    default_voice_id: string | null;
    consent: { status: "pending" | "approved" | "rejected" | null; token?: string; rerouteUrl?: string | null };
}

export interface LookRecord {
    id: string;
    seq: number;
    name: string;
    avatar_type: AvatarType;
    created_as: CreateType | "studio";
    group_id: string;
    created_at: number;
    public: boolean;
    gender: string | null;
    tags: string[];
    engines: string[];
    width: number;
    height: number;
    training: TrainingState;
    /** What the look was made from, for the dump (no bytes). */
    source: Record<string, unknown>;
}

export interface AssetRecord {
    id: string;
    /** Creation order, for paging (absent in state saved before assets were listed). */
    seq?: number;
    name: string;
    /** Sniffed from the bytes once they are stored; the declared type until then. */
    mime_type: string;
    size_bytes: number;
    /** Of the stored bytes; empty while a direct upload waits for them. */
    sha256: string;
    uploaded_at: number;
    width?: number;
    height?: number;
    /** Direct uploads: `pending_upload` until completed. Proxied uploads are ready at once. */
    status?: "pending_upload" | "ready";
    direct?: { content_type: string; checksum_sha256: string | null; expires_at: number; signature: string; received: boolean };
}

export interface IdempotencyRecord {
    scope: string;
    key: string;
    created_at: number;
    state: "in_progress" | "done";
    status?: number;
    body?: unknown;
}

export interface State {
    version: 1;
    /** Monotonic creation counter: list order and page tokens use it, so deletions never shift pages. */
    seq: number;
    groups: Record<string, GroupRecord>;
    looks: Record<string, LookRecord>;
    assets: Record<string, AssetRecord>;
    idempotency: Record<string, IdempotencyRecord>;
}

export const newId = () => crypto.randomBytes(16).toString("hex");
export const nowSeconds = () => Math.floor(Date.now() / 1000);

function emptyState(): State {
    return { version: 1, seq: 0, groups: {}, looks: {}, assets: {}, idempotency: {} };
}

/** Public studio avatars every account sees; they cannot be renamed or deleted. */
export function seedPublic(state: State): void {
    const studio: [string, string, string, string[]][] = [
        ["Daisy", "female", "Daisy - business", ["Daisy - casual"]],
        ["Marcus", "male", "Marcus - suit", ["Marcus - sofa"]],
    ];
    const t = 1_700_000_000;
    studio.forEach(([name, gender, first, rest], gi) => {
        const gid = `public_group_${gi + 1}`;
        state.groups[gid] = { id: gid, seq: ++state.seq, name, created_at: t, public: true, gender, default_voice_id: `voice_${name.toLowerCase()}`, consent: { status: null } };
        [first, ...rest].forEach((lookName, li) => {
            const id = `public_look_${gi + 1}_${li + 1}`;
            state.looks[id] = {
                id, seq: ++state.seq, name: lookName, avatar_type: "studio_avatar", created_as: "studio", group_id: gid, created_at: t,
                public: true, gender, tags: ["studio"], engines: ["avatar_iv", "avatar_iii"], width: 1920, height: 1080,
                training: { status: "completed", phaseStartedAt: 0, reads: 0, outcome: { ok: true } }, source: {},
            };
        });
    });
}

/**
 * Puts an account's snapshot (`pulumi-heygen export --snapshot`) into a fresh state: its groups and looks with
 * their ids, names and statuses, in its order (oldest first, so lists show them newest first as HeyGen did).
 * A look still training trains on from now, by the emulator's timing; a prompt look is seeded as a photo
 * look (HeyGen's answer does not tell them apart), so it can be renamed here.
 */
export function seedSnapshot(state: State, snapshot: AccountSnapshot, now = Date.now()): void {
    for (const g of snapshot.groups) {
        const consent = g.consent_status === "skipped" ? null : g.consent_status;
        state.groups[g.id] = {
            id: g.id, seq: ++state.seq, name: g.name, created_at: g.created_at, public: false, gender: g.gender, default_voice_id: g.default_voice_id,
            consent: { status: consent },
        };
        for (const l of g.looks) {
            const twin = l.avatar_type === "digital_twin";
            const status = l.status ?? "completed";
            state.looks[l.id] = {
                id: l.id, seq: ++state.seq, name: l.name, avatar_type: l.avatar_type, created_as: twin ? "digital_twin" : "photo", group_id: g.id,
                created_at: g.created_at, public: false, gender: l.gender, tags: [...l.tags],
                engines: twin ? ["avatar_v", "avatar_iv", "avatar_iii"] : ["avatar_iv", "avatar_iii"],
                width: l.image_width ?? (twin ? 1920 : 1024), height: l.image_height ?? (twin ? 1080 : 1024),
                training: {
                    status, phaseStartedAt: now, reads: 0,
                    outcome: status === "failed" ? { ok: false, code: l.error?.code ?? "training_failed", message: l.error?.message ?? "Training failed" } : { ok: true },
                },
                source: { seeded: true },
            };
        }
    }
}

export class Store {
    state: State = emptyState();
    /** Whether `open` found saved state (a data dir from an earlier run). */
    loaded = false;
    private dirty = false;
    private readonly file?: string;
    private readonly lockFile?: string;
    private readonly lockToken = newId();
    /** The assets' bytes; opened with the data dir. */
    blobs!: BlobStore;

    constructor(
        private readonly dataDir: string | undefined,
        public timing: Timing,
        public baseUrl: () => string,
    ) {
        if (dataDir) {
            this.file = path.join(dataDir, "state.json");
            this.lockFile = path.join(dataDir, "emulator.lock");
        }
    }

    /** Takes the data dir (refusing one another live emulator holds) and loads it, or seeds a fresh state. */
    open(owner: string): void {
        if (this.dataDir) {
            fs.mkdirSync(this.dataDir, { recursive: true });
            takeLock(this.lockFile!, owner, this.lockToken);
        }
        this.blobs = new BlobStore(this.dataDir);
        if (this.dataDir && fs.existsSync(this.file!)) {
            const loaded = JSON.parse(fs.readFileSync(this.file!, "utf8")) as State;
            if (loaded.version !== 1) throw new Error(`${this.file}: unknown state version ${loaded.version}`);
            this.state = loaded;
            this.loaded = true;
            this.blobs.prune((id) => !!this.state.assets[id]);
            this.blobs.prunePreviews((id) => !!this.state.looks[id]);
            return;
        }
        this.reset();
    }

    close(): void {
        this.flush();
        this.blobs?.close();
        if (this.lockFile) releaseLock(this.lockFile, this.lockToken);
    }

    reset(): void {
        this.state = emptyState();
        seedPublic(this.state);
        this.blobs?.prune(() => false);
        this.blobs?.prunePreviews(() => false);
        this.touch();
        this.flush();
    }

    /** A fresh state with the snapshot's account in it (beside the public avatars). */
    seed(snapshot: AccountSnapshot): void {
        this.reset();
        seedSnapshot(this.state, snapshot);
        this.touch();
        this.flush();
    }

    deleteAsset(id: string): void {
        delete this.state.assets[id];
        this.blobs.remove(id);
        this.touch();
    }

    touch(): void {
        this.dirty = true;
    }

    /** Writes the state when it changed: temp file, fsync, rename, fsync of the directory. */
    flush(): void {
        if (!this.dirty || !this.file) return;
        const tmp = `${this.file}.${process.pid}.tmp`;
        const fd = fs.openSync(tmp, "w");
        try {
            fs.writeSync(fd, JSON.stringify(this.state));
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        fs.renameSync(tmp, this.file);
        const dir = fs.openSync(path.dirname(this.file), "r");
        try {
            fs.fsyncSync(dir);
        } finally {
            fs.closeSync(dir);
        }
        this.dirty = false;
    }

    /** Moves a look's training along; `isRead` counts the access toward read-based transitions. */
    refreshLook(look: LookRecord, isRead: boolean): LookRecord {
        if (look.public) return look;
        const group = this.state.groups[look.group_id];
        let t = look.training;
        if (t.status === "pending_consent" && group?.consent.status === "approved") t = onConsent(t, true, Date.now());
        if (t.status === "pending_consent" && group?.consent.status === "rejected") t = onConsent(t, false, Date.now());
        const kind = look.created_as === "studio" ? "photo" : look.created_as;
        t = advance(t, this.timing[kind], Date.now(), isRead);
        if (t !== look.training) {
            look.training = t;
            this.touch();
        }
        return look;
    }

    looksOf(groupId: string): LookRecord[] {
        return Object.values(this.state.looks).filter((l) => l.group_id === groupId);
    }

    /** HeyGen's view of a look; `advanceTraining` is false only for the create response, which shows the look as created. */
    lookView(look: LookRecord, isRead = true, advanceTraining = true): AvatarLookItem {
        if (advanceTraining) this.refreshLook(look, isRead);
        const t = look.training;
        const done = t.status === "completed";
        const orientation = look.width === look.height ? "square" : look.width > look.height ? "landscape" : "portrait";
        return {
            id: look.id,
            name: look.name,
            avatar_type: look.avatar_type,
            group_id: look.group_id,
            preview_image_url: done ? `${this.baseUrl()}/_files/looks/${look.id}.png` : null,
            preview_video_url: done && look.avatar_type !== "photo_avatar" ? `${this.baseUrl()}/_files/looks/${look.id}.mp4` : null,
            gender: look.gender,
            default_voice_id: null,
            tags: look.tags,
            supported_api_engines: done ? look.engines : [],
            image_width: look.width,
            image_height: look.height,
            preferred_orientation: orientation,
            status: t.status,
            error: t.status === "failed" && !t.outcome.ok ? { code: t.outcome.code, message: t.outcome.message } : null,
        };
    }

    groupView(group: GroupRecord, isRead = true, advanceTraining = true): AvatarGroupItem {
        const looks = this.looksOf(group.id).map((l) => (advanceTraining ? this.refreshLook(l, isRead) : l));
        const statuses = looks.map((l) => l.training.status) as LookStatus[];
        const first = [...looks].sort((a, b) => a.created_at - b.created_at)[0];
        const completed = looks.find((l) => l.training.status === "completed");
        const failed = looks.find((l) => l.training.status === "failed");
        const status = group.public ? null : groupStatus(statuses);
        return {
            id: group.id,
            name: group.name,
            created_at: group.created_at,
            looks_count: looks.length,
            preview_image_url: completed ? `${this.baseUrl()}/_files/looks/${completed.id}.png` : null,
            preview_video_url: null,
            gender: group.gender ?? first?.gender ?? null,
            default_voice_id: group.default_voice_id,
            consent_status: group.consent.status,
            status,
            error: status === "failed" && failed && !failed.training.outcome.ok
                ? { code: failed.training.outcome.code, message: failed.training.outcome.message }
                : null,
        };
    }

    /** Deletes a look; a group left without looks goes with it. Returns whether the group went too. */
    deleteLook(id: string): boolean {
        const look = this.state.looks[id];
        delete this.state.looks[id];
        this.blobs.removePreview(id);
        this.touch();
        if (look && this.looksOf(look.group_id).length === 0) {
            delete this.state.groups[look.group_id];
            return true;
        }
        return false;
    }

    deleteGroup(id: string): void {
        for (const l of this.looksOf(id)) {
            delete this.state.looks[l.id];
            this.blobs.removePreview(l.id);
        }
        delete this.state.groups[id];
        this.touch();
    }

    /** Drops idempotency records older than their 24 h life. */
    expireIdempotency(ttlSeconds: number): void {
        const cutoff = nowSeconds() - ttlSeconds;
        for (const [k, r] of Object.entries(this.state.idempotency)) {
            if (r.created_at < cutoff && r.state === "done") {
                delete this.state.idempotency[k];
                this.touch();
            }
        }
    }
}

function pidAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Creates the lock exclusively; a lock left by a dead process is taken over, a live one is an error. */
function takeLock(lockFile: string, owner: string, lockToken: string): void {
    const mine = JSON.stringify({ pid: process.pid, owner, token: lockToken });
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            fs.writeFileSync(lockFile, mine, { flag: "wx" });
            return;
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            let held: { pid?: number; owner?: string } = {};
            try {
                held = JSON.parse(fs.readFileSync(lockFile, "utf8"));
            } catch {
                /* unreadable: treat as stale */
            }
            // Another emulator in this process counts too (its token differs): never share silently.
            if (held.pid && pidAlive(held.pid)) {
                throw new Error(
                    `data dir ${path.dirname(lockFile)} is in use by another emulator (pid ${held.pid}, ${held.owner ?? "unknown"}); ` +
                        "stop it or choose another --data-dir",
                );
            }
            fs.rmSync(lockFile, { force: true });
        }
    }
    throw new Error(`could not lock data dir ${path.dirname(lockFile)}`);
}

function releaseLock(lockFile: string, token: string): void {
    try {
        const held = JSON.parse(fs.readFileSync(lockFile, "utf8"));
        if (held.token === token) fs.rmSync(lockFile, { force: true });
    } catch {
        /* already gone */
    }
}
