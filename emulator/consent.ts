// The consent page that a consent request's `url` points at: a real HTML form where the avatar's subject
// approves or declines. HeyGen's own page records a webcam statement; here a button stands in for it.
import type { FastifyInstance } from "fastify";
import type { GroupRecord, Store } from "./store";
import { PNG_1x1 } from "./media";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.note{color:#666;font-size:.9rem}button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.6rem;cursor:pointer}
.approve{background:#1a7f37;color:#fff;border:0;border-radius:6px}.decline{background:#fff;border:1px solid #999;border-radius:6px}
.status{padding:.6rem;border-radius:6px;background:#f3f3f3}</style></head><body>${body}
<p class="note">HeyGen emulator — this page stands in for HeyGen's webcam consent recording.</p></body></html>`;
}

export function registerConsentPage(app: FastifyInstance, store: Store): void {
    const byToken = (token: string): GroupRecord | undefined =>
        Object.values(store.state.groups).find((g) => g.consent.token === token);

    app.get("/consent/:token", async (req, reply) => {
        const g = byToken((req.params as { token: string }).token);
        reply.type("text/html; charset=utf-8");
        if (!g) return reply.code(404).send(page("Consent link not found", "<h1>This consent link is not valid</h1><p>It may have expired, or the avatar was deleted.</p>"));
        const decided = g.consent.status === "approved" || g.consent.status === "rejected";
        return page(`Consent for ${g.name}`, `<h1>Consent for the avatar “${esc(g.name)}”</h1>
<p>By approving, you confirm that you are the person shown in this avatar's footage and that you allow it to be used to create a digital twin.</p>
<p class="status" id="status">Current status: <strong>${esc(g.consent.status ?? "not requested")}</strong></p>
${decided ? "" : `<form method="post" action="/consent/${esc(g.consent.token!)}">
<button class="approve" type="submit" name="decision" value="approve" id="approve">I approve</button>
<button class="decline" type="submit" name="decision" value="decline" id="decline">I decline</button></form>`}`);
    });

    app.post("/consent/:token", async (req, reply) => {
        const g = byToken((req.params as { token: string }).token);
        reply.type("text/html; charset=utf-8");
        if (!g) return reply.code(404).send(page("Consent link not found", "<h1>This consent link is not valid</h1>"));
        const decision = (req.body as { decision?: string } | undefined)?.decision;
        if (decision !== "approve" && decision !== "decline") {
            return reply.code(400).send(page("Choose an answer", "<h1>Please choose approve or decline</h1>"));
        }
        if (g.consent.status !== "approved" && g.consent.status !== "rejected") {
            g.consent.status = decision === "approve" ? "approved" : "rejected";
            store.touch();
        }
        if (g.consent.rerouteUrl) return reply.redirect(g.consent.rerouteUrl, 303);
        return page("Thank you", `<h1>Thank you</h1><p class="status" id="status">Consent ${g.consent.status === "approved" ? "approved" : "declined"} for “${esc(g.name)}”.</p>`);
    });

    // Preview images and uploaded assets, fake-gcs style: links in responses point back at the emulator.
    app.get("/_files/*", async (_req, reply) => reply.type("image/png").send(PNG_1x1));
}
