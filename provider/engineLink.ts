// What the provider process knows of the engine that started it: its address (the dynamic-provider host
// gets it as its one argument, the same address every plugin logs through) and whether it is still there.
import * as net from "net";

/** The engine's `host:port` when this process is the dynamic-provider host the engine started; else undefined. */
export function engineAddress(argv: readonly string[] = process.argv): string | undefined {
    const [, script, addr] = argv;
    return /dynamic-provider/.test(script ?? "") && addr && /^[\w.\-[\]:]+:\d+$/.test(addr) ? addr : undefined;
}

/**
 * Whether the engine still listens (a TCP connect to its address, at most `timeoutMs`). A killed engine's
 * port is closed at once. Outside a provider process (tests calling handlers) there is no engine to lose:
 * true.
 */
export function engineAlive(address = engineAddress(), timeoutMs = 500): Promise<boolean> {
    if (!address) return Promise.resolve(true);
    const i = address.lastIndexOf(":");
    const host = address.slice(0, i).replace(/^\[|\]$/g, "");
    const port = Number(address.slice(i + 1));
    return new Promise((resolve) => {
        const socket = net.connect({ host, port });
        const done = (alive: boolean) => {
            socket.destroy();
            resolve(alive);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once("connect", () => done(true));
        socket.once("error", () => done(false));
    });
}
