// Plain HTTP against an emulator, for tests that check the wire itself (not through our client).
import { DEFAULT_API_KEY } from "../../emulator";

export interface Res<T = any> {
    status: number;
    headers: Headers;
    body: T;
    text: string;
}

export function http(baseUrl: string, apiKey: string | null = DEFAULT_API_KEY) {
    async function call<T = any>(method: string, path: string, opts: { json?: unknown; body?: string | FormData; headers?: Record<string, string> } = {}): Promise<Res<T>> {
        const headers: Record<string, string> = { ...(apiKey ? { "X-Api-Key": apiKey } : {}), ...opts.headers };
        let body = opts.body;
        if (opts.json !== undefined) {
            headers["Content-Type"] = "application/json";
            body = JSON.stringify(opts.json);
        }
        const r = await fetch(baseUrl + path, { method, headers, body, redirect: "manual" });
        const text = await r.text();
        let parsed: any = text;
        try {
            parsed = JSON.parse(text);
        } catch { /* not JSON */ }
        return { status: r.status, headers: r.headers, body: parsed, text };
    }
    return {
        call,
        get: <T = any>(p: string, h?: Record<string, string>) => call<T>("GET", p, { headers: h }),
        post: <T = any>(p: string, json?: unknown, h?: Record<string, string>) => call<T>("POST", p, { json: json ?? {}, headers: h }),
        patch: <T = any>(p: string, json: unknown) => call<T>("PATCH", p, { json }),
        put: <T = any>(p: string, json: unknown) => call<T>("PUT", p, { json }),
        del: <T = any>(p: string) => call<T>("DELETE", p),
    };
}

/** Tiny but valid media, as bytes. */
export const media = {
    /** A PNG header claiming the given size (enough for sniffing and size checks). */
    png(width = 1024, height = 1024): Buffer {
        const b = Buffer.alloc(33);
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
        b.writeUInt32BE(13, 8);
        b.write("IHDR", 12, "latin1");
        b.writeUInt32BE(width, 16);
        b.writeUInt32BE(height, 20);
        return b;
    },
    mp4(): Buffer {
        const b = Buffer.alloc(32);
        b.writeUInt32BE(32, 0);
        b.write("ftypisom", 4, "latin1");
        return b;
    },
};

export const photoUrl = (name = "face.jpg") => ({ type: "url", url: `https://cdn.example.com/${name}` });
export const videoUrl = (name = "footage.mp4") => ({ type: "url", url: `https://cdn.example.com/${name}` });
