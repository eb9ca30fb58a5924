#!/usr/bin/env node
// Draws resources/icon.png (512×512): a white desk bell on a teal rounded square. Plain Node,
// no image tools: shapes as distance functions, 4×4 supersampled, written as a PNG with zlib.
// electron-builder derives the Windows .ico and macOS .icns from it.
//
//   node resources/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4;

const roundedRect = (x, y, left, top, right, bottom, radius) => {
  const dx = Math.max(left + radius - x, 0, x - (right - radius));
  const dy = Math.max(top + radius - y, 0, y - (bottom - radius));
  return Math.hypot(dx, dy) <= radius;
};

const inTile = (x, y) => roundedRect(x, y, 16, 16, 496, 496, 108);
const ellipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

// A desk bell, centred: a dome a little taller than wide, a push button on a short stem,
// and a base plate wider than the dome.
const DOME_Y = 330;
const inBell = (x, y) =>
  (ellipse(x, y, 256, DOME_Y, 132, 150) && y <= DOME_Y) ||
  roundedRect(x, y, 96, 344, 416, 384, 20) ||
  roundedRect(x, y, 248, 150, 264, 190, 4) ||
  roundedRect(x, y, 220, 130, 292, 152, 11);
// A slim gap between dome and base, in the tile's colour, so the bell reads as two parts.
const inGap = (x, y) => y > DOME_Y && y < 344;

const top = [20, 184, 166];
const bottom = [15, 118, 110];

const raw = Buffer.alloc((SIZE * 4 + 1) * SIZE);
for (let py = 0; py < SIZE; py += 1) {
  const row = py * (SIZE * 4 + 1);
  raw[row] = 0; // filter: none
  for (let px = 0; px < SIZE; px += 1) {
    let tile = 0;
    let bell = 0;
    for (let sy = 0; sy < SAMPLES; sy += 1) {
      for (let sx = 0; sx < SAMPLES; sx += 1) {
        const x = px + (sx + 0.5) / SAMPLES;
        const y = py + (sy + 0.5) / SAMPLES;
        if (!inTile(x, y)) continue;
        tile += 1;
        if (inBell(x, y) && !inGap(x, y)) bell += 1;
      }
    }
    const total = SAMPLES * SAMPLES;
    const t = py / (SIZE - 1);
    const alpha = tile / total;
    const white = tile === 0 ? 0 : bell / tile;
    const offset = row + 1 + px * 4;
    for (let channel = 0; channel < 3; channel += 1) {
      const background = top[channel] + (bottom[channel] - top[channel]) * t;
      raw[offset + channel] = Math.round(background + (255 - background) * white);
    }
    raw[offset + 3] = Math.round(alpha * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(dirname(fileURLToPath(import.meta.url)), 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
