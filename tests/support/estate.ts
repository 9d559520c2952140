// An account "made in HeyGen's web app", for the export's tests: seeded through the emulator's HTTP API
// only (never through the code under test), with looks of every type, odd names (quotes, backticks, `${`,
// a newline, emoji, 255 characters, two groups and two looks of one name), a failed look, a group whose
// first look failed, a twin waiting for consent and a look still training. Start the emulator with instant
// training: the seeding reads every look once (it finishes training), then slows photo training down for
// the look it sends back to `processing`.
import { strict as assert } from "assert";
import { http as raw } from "./http";

export const ODD = {
    quotes: `Sarah "the boss" O'Neil`,
    template: "Tick `tock` ${alert(1)} \\ end",
    newline: "Two\nlines",
    emoji: "🎬 Studio ✨",
    long: "L".repeat(200) + " ".repeat(5) + "é".repeat(50),
};

export interface SeededEstate {
    groups: { id: string; name: string; firstLookId: string }[];
    /** Every private look: id, name, group, what it was made as, and the status it is left in. */
    looks: { id: string; name: string; groupId: string; createdAs: "photo" | "prompt" | "digital_twin"; status: string }[];
}

export async function seedOddEstate(baseUrl: string, apiKey: string): Promise<SeededEstate> {
    const api = raw(baseUrl, apiKey);
    const estate: SeededEstate = { groups: [], looks: [] };
    const make = async (createdAs: "photo" | "prompt" | "digital_twin", name: string, groupId?: string) => {
        const body: Record<string, unknown> = { type: createdAs, name, ...(groupId ? { avatar_group_id: groupId } : {}) };
        if (createdAs === "photo") body.file = { type: "url", url: "https://cdn.example.com/web-app/photo.jpg" };
        if (createdAs === "digital_twin") body.file = { type: "url", url: "https://cdn.example.com/web-app/footage.mp4" };
        if (createdAs === "prompt") body.prompt = `A presenter called ${name.slice(0, 100)}`;
        const r = await api.post("/v3/avatars", body);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const item = r.body.data.avatar_item;
        if (!groupId) estate.groups.push({ id: item.group_id, name, firstLookId: item.id });
        estate.looks.push({ id: item.id, name, groupId: item.group_id, createdAs, status: "completed" });
        return item.group_id as string;
    };
    // Oldest first, as a person would have made them.
    const sarah = await make("photo", ODD.quotes);
    await make("photo", "Sarah - casual ✨", sarah);
    await make("prompt", ODD.template, sarah);
    await make("digital_twin", "Sarah - studio", sarah);
    await make("photo", "Sarah - training", sarah);
    const prompted = await make("prompt", ODD.newline);
    await make("photo", ODD.emoji, prompted);
    const twin = await make("digital_twin", ODD.long);
    const again = await make("photo", ODD.quotes); // a second group of the same name
    await make("photo", "Sarah - casual ✨", again); // and a look named like one in the first group
    await make("photo", "Sarah - failed", again);
    const broken = await make("photo", "Broken from the start");
    await make("photo", "Broken - retake", broken);

    // Consent: given in Sarah's group, still pending for the long-named twin.
    assert.equal((await api.post(`/_emulator/consent/${sarah}`, { decision: "approve" })).status, 200);
    // One read of each group's looks finishes their training (instant), so the statuses below stick.
    for (const g of estate.groups) assert.equal((await api.get(`/v3/avatars/looks?group_id=${g.id}&limit=50`)).status, 200);
    assert.equal((await api.put("/_emulator/timing", { photo: "3600s" })).status, 200);
    const set = async (name: string, groupId: string, status: string) => {
        const look = estate.looks.find((l) => l.name === name && l.groupId === groupId)!;
        assert.equal((await api.patch(`/_emulator/looks/${look.id}`, { status })).status, 200);
        look.status = status;
    };
    await set("Sarah - training", sarah, "processing");
    await set("Sarah - failed", again, "failed");
    await set("Broken from the start", broken, "failed");
    estate.looks.find((l) => l.groupId === twin)!.status = "pending_consent";
    return estate;
}
