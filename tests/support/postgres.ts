// A PostgreSQL server of the test's own, for Pulumi's `postgres://` DIY backend: Debian's `postgresql`
// binaries, a new cluster in a scratch directory, on a free loopback port, its socket in that directory
// (no system service, nothing shared with a server the machine may run). Stopped by `stop()`, and on
// process exit if a test run ends without it.
//
// initdb and postgres refuse to run as root (CI runs as root): then they run as the `postgres` system
// user that Debian's package creates, and the scratch directory is given to it.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { freePort } from "./engine";

export interface Postgres {
    /** The backend URL: `postgres://pulumi@127.0.0.1:<port>/pulumi?sslmode=disable`. */
    url: string;
    port: number;
    /** PostgreSQL's version, as `postgres --version` prints it. */
    version: string;
    /** Runs one SQL statement (psql, as the cluster's superuser); rows as tab-separated lines. */
    query(sql: string): string[];
    stop(): void;
}

const INSTALL_HINT = "install Debian's postgresql (`apt-get update && apt-get install -y postgresql`; .ci/run does it)";

/** The newest PostgreSQL server's bin dir (Debian: /usr/lib/postgresql/<major>/bin), or PG_BIN. */
export function postgresBin(): string {
    if (process.env.PG_BIN) return process.env.PG_BIN;
    const root = "/usr/lib/postgresql";
    const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((d) => fs.existsSync(path.join(root, d, "bin", "initdb"))) : [];
    majors.sort((a, b) => Number(b) - Number(a));
    if (!majors.length) throw new Error(`PostgreSQL's server (initdb, pg_ctl) is not installed: no ${root}/<version>/bin/initdb. To run this test, ${INSTALL_HINT}.`);
    return path.join(root, majors[0], "bin");
}

/** As root, the uid and gid of the `postgres` user (initdb and postgres refuse root); otherwise undefined. */
function serverUser(): { uid: number; gid: number } | undefined {
    if (process.getuid?.() !== 0) return undefined;
    const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"));
    if (!line) throw new Error(`running as root, and there is no \`postgres\` user to run the PostgreSQL server as (initdb refuses root): ${INSTALL_HINT}, which creates it.`);
    const [, , uid, gid] = line.split(":");
    return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(): Promise<Postgres> {
    const bin = postgresBin();
    const user = serverUser();
    // As root, under /tmp: the server's user must be able to reach the directory (a root TMPDIR may be 0700).
    const dir = fs.mkdtempSync(path.join(user ? "/tmp" : os.tmpdir(), "pulumi-heygen-pg-"));
    const data = path.join(dir, "data");
    const sock = path.join(dir, "sock");
    fs.mkdirSync(sock);
    if (user) for (const p of [dir, sock]) fs.chownSync(p, user.uid, user.gid);
    // As the server's user: `setpriv` (util-linux, in every Debian) drops root for that one command.
    const asServer = (cmd: string, args: string[]) => {
        const [file, argv] = user
            ? ["setpriv", [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", path.join(bin, cmd), ...args]]
            : [path.join(bin, cmd), args];
        const r = spawnSync(file, argv, { cwd: dir, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
        if (r.status !== 0) {
            const log = fs.existsSync(path.join(dir, "log")) ? fs.readFileSync(path.join(dir, "log"), "utf8").slice(-2000) : "";
            throw new Error(`PostgreSQL: \`${cmd} ${args.join(" ")}\` failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}${r.stderr}${log}`);
        }
        return r.stdout;
    };
    let stopped = false;
    const stop = () => {
        if (stopped) return;
        stopped = true;
        process.removeListener("exit", stop);
        try {
            if (fs.existsSync(path.join(data, "postmaster.pid"))) asServer("pg_ctl", ["-D", data, "stop", "-m", "fast", "-w"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    };
    process.on("exit", stop);
    try {
        // A throwaway cluster: trust on loopback (no password to manage), no fsync (nothing here must survive a crash of the machine).
        asServer("initdb", ["-D", data, "-U", "pulumi", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        const port = await freePort();
        asServer("pg_ctl", ["-D", data, "-l", path.join(dir, "log"), "-w", "-t", "60", "-o",
            `-c listen_addresses=127.0.0.1 -p ${port} -k ${sock} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, "start"]);
        const psql = path.join(bin, "psql");
        const query = (sql: string) =>
            execFileSync(psql, ["-h", "127.0.0.1", "-p", String(port), "-U", "pulumi", "-d", "pulumi", "-X", "-A", "-t", "-F", "\t", "-c", sql], { encoding: "utf8" })
                .split("\n").filter(Boolean);
        execFileSync(path.join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "pulumi", "pulumi"]);
        const version = execFileSync(path.join(bin, "postgres"), ["--version"], { encoding: "utf8" }).trim();
        return { url: `postgres://pulumi@127.0.0.1:${port}/pulumi?sslmode=disable`, port, version, query, stop };
    } catch (e) {
        stop();
        throw e;
    }
}
