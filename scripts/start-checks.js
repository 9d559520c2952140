// The decisions `npm start` makes before it touches a real HeyGen account, kept pure so they are tested as
// tables (tests/unit/start-checks.test.ts): which URLs cannot be real, whether the stack's secrets would be
// protected by a passphrase of the user's own, which API a stack was used with.
"use strict";
const { DEMO_PASSPHRASE } = require("./engine-env");

/** The stack tag where `npm start` records the API a stack manages: `emulator`, or the API's URL. */
const API_TAG = "pulumi-heygen:api";

/** Why HeyGen's servers could never download `url`, or undefined when it may be real. */
function unrealUrlReason(url) {
    let u;
    try {
        u = new URL(url);
    } catch {
        return "is not a URL";
    }
    if (u.protocol !== "https:") return "is not https";
    const host = u.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    // RFC 2606 / 6761: reserved for documentation and tests, never a real server.
    if (/(^|\.)example\.(com|org|net)$/.test(host) || /\.(example|invalid|test|localhost)$/.test(host) || ["example", "invalid", "test", "localhost"].includes(host)) {
        return "is a reserved example domain";
    }
    if (host === "::1" || /^127\./.test(host) || /^10\./.test(host) || /^192\.168\./.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host) || /^169\.254\./.test(host) || host === "0.0.0.0") {
        return "is a private or loopback address";
    }
    return undefined;
}

/**
 * Every URL in the stack config (`pulumi config --json`) that cannot be real, as `{ key, path, url, why }`.
 * The provider's own settings (`heygen:*`) are not estate URLs and are skipped.
 */
function unrealUrls(config) {
    const found = [];
    const walk = (v, key, at) => {
        if (typeof v === "string") {
            if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
                const why = unrealUrlReason(v);
                if (why) found.push({ key, path: at, url: v, why });
            }
        } else if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, key, `${at}[${i}]`));
        } else if (v && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) walk(x, key, at ? `${at}.${k}` : k);
        }
    };
    for (const [key, entry] of Object.entries(config ?? {})) {
        if (key.startsWith("heygen:") || !entry || entry.secret) continue;
        let value = entry.objectValue ?? entry.value;
        if (entry.objectValue === undefined && typeof value === "string" && /^[[{]/.test(value)) {
            try {
                value = JSON.parse(value);
            } catch { /* a plain string */ }
        }
        walk(value, key, "");
    }
    return found;
}

/**
 * Why the stack's secrets would not be protected by the user's own secret, or undefined. `stackFile` is
 * the text of Pulumi.<stack>.yaml (empty when there is none yet); `readFile` reads a passphrase file.
 */
function passphraseProblem(env, stackFile, stack, readFile = (p) => require("fs").readFileSync(p, "utf8")) {
    const provider = /^secretsprovider:\s*(\S+)/m.exec(stackFile ?? "")?.[1];
    if (provider && !provider.startsWith("passphrase")) return undefined; // a KMS or Vault of the user's own
    const how =
        "set a passphrase of your own before creating or using this stack: `export PULUMI_CONFIG_PASSPHRASE=<a passphrase of your own>` " +
        "(keep it out of the repository), or give the stack your own secrets provider " +
        `(\`pulumi stack init ${stack} --secrets-provider awskms://…\`, see README "Against the real HeyGen API")`;
    let passphrase = env.PULUMI_CONFIG_PASSPHRASE;
    if (passphrase === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        try {
            passphrase = readFile(env.PULUMI_CONFIG_PASSPHRASE_FILE).replace(/\r?\n$/, "");
        } catch {
            return `PULUMI_CONFIG_PASSPHRASE_FILE (${env.PULUMI_CONFIG_PASSPHRASE_FILE}) cannot be read`;
        }
    }
    if (passphrase === undefined) return `stack ${stack} uses a real HeyGen key, and no passphrase of yours protects its secrets: ${how}`;
    if (passphrase === DEMO_PASSPHRASE) {
        return `stack ${stack} uses a real HeyGen key, but PULUMI_CONFIG_PASSPHRASE is the emulator demo passphrase, published in this repository: ${how}`;
    }
    if (passphrase.trim() === "") return `stack ${stack} uses a real HeyGen key, but PULUMI_CONFIG_PASSPHRASE is empty: ${how}`;
    return undefined;
}

/**
 * Whether a stack recorded as used with `recorded` (its API_TAG, or undefined) may now run against `target`
 * (`emulator` or a URL): one stack, one API, so emulator ids never meet a real account's.
 */
function apiMismatch(recorded, target, stack) {
    if (!recorded || recorded === target) return undefined;
    if (recorded === "emulator") {
        return (
            `stack ${stack} holds objects of the local emulator (made by \`npm start\` without a key); a real account needs a stack ` +
            `of its own, so that emulator ids never reach HeyGen: follow README "Against the real HeyGen API" (\`pulumi stack init real\`, ` +
            "then `npm start -- --stack real`)"
        );
    }
    if (target === "emulator") {
        return (
            `stack ${stack} manages the HeyGen account at ${recorded}, but no key is configured, so npm start would run it on the ` +
            `emulator: set its key (\`export HEYGEN_API_KEY=<key>\`, or \`pulumi config set --secret heygen:apiKey <key> --stack ${stack}\`)`
        );
    }
    return `stack ${stack} manages the HeyGen API at ${recorded}, not ${target}: use a stack of its own for each API`;
}

module.exports = { API_TAG, unrealUrlReason, unrealUrls, passphraseProblem, apiMismatch };
