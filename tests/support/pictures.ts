// Real, decodable pictures for tests: a solid colour (so a test can tell which picture a browser shows by
// reading its pixels) with a darker disc in the middle (so a screenshot looks like a portrait placeholder).
import { PNG } from "pngjs";
// eslint-disable-next-line @typescript-eslint/no-var-requires
const jpeg = require("jpeg-js") as { encode(i: { width: number; height: number; data: Buffer }, q: number): { data: Buffer } };

export type Rgb = [number, number, number];

function pixels(width: number, height: number, rgb: Rgb): Buffer {
    const data = Buffer.alloc(width * height * 4);
    const r = Math.min(width, height) * 0.22;
    for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 4;
            // The disc sits a bit below the middle; the centre of the picture (what tests read) stays the colour.
            const inDisc = (x - width / 2) ** 2 + (y - height * 0.72) ** 2 < r * r;
            data[i] = inDisc ? rgb[0] * 0.5 : rgb[0];
            data[i + 1] = inDisc ? rgb[1] * 0.5 : rgb[1];
            data[i + 2] = inDisc ? rgb[2] * 0.5 : rgb[2];
            data[i + 3] = 255;
        }
    }
    return data;
}

export function pngOf(rgb: Rgb, width = 600, height = 600): Buffer {
    const png = new PNG({ width, height });
    pixels(width, height, rgb).copy(png.data);
    return PNG.sync.write(png);
}

export function jpegOf(rgb: Rgb, width = 600, height = 600): Buffer {
    return jpeg.encode({ width, height, data: pixels(width, height, rgb) }, 90).data;
}
