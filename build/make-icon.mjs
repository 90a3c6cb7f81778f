// Renders the Custos icon (a shield with a keyhole on a deep-teal rounded square)
// to PNG without any image library: signed-distance shapes, 4×4 supersampling.
// Run: node build/make-icon.mjs  → build/icon.png (1024) and build/icons/<n>x<n>.png
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

function crc32(buf) {
  let c, crc = 0xffffffff;
  for (let n = 0; n < buf.length; n++) {
    c = (crc ^ buf[n]) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// Shapes in unit coordinates (0..1).
const roundRect = (x, y) => {
  const r = 0.2, h = 0.5 - 0.04;
  const dx = Math.abs(x - 0.5) - (h - r), dy = Math.abs(y - 0.5) - (h - r);
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0) - r;
};
// Shield: flat top with rounded shoulders, sides curving to a point at the bottom.
const shield = (x, y) => {
  const cx = 0.5, top = 0.2, bottom = 0.84, half = 0.27;
  if (y < top || y > bottom) return 1;
  const t = (y - top) / (bottom - top);
  const w = t < 0.45 ? half : half * Math.cos(((t - 0.45) / 0.55) * (Math.PI / 2)) ** 0.8;
  return Math.abs(x - cx) - w;
};
const keyhole = (x, y) => {
  const circle = Math.hypot(x - 0.5, y - 0.44) - 0.07;
  const stem = y > 0.44 && y < 0.66 ? Math.abs(x - 0.5) - (0.03 + (y - 0.44) * 0.12) : 1;
  return Math.min(circle, stem);
};

function render(size) {
  const out = Buffer.alloc(size * size * 4);
  const ss = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = (px + (sx + 0.5) / ss) / size, y = (py + (sy + 0.5) / ss) / size;
          if (roundRect(x, y) > 0) continue;
          // background: teal gradient, top-left light to bottom-right dark
          let cr = 14 + 20 * (1 - y), cg = 94 + 40 * (1 - y), cb = 110 + 30 * (1 - x);
          if (shield(x, y) <= 0) {
            if (keyhole(x, y) <= 0) { cr = 12; cg = 70; cb = 84; }
            else { cr = 244; cg = 248; cb = 246; }
          } else if (shield(x, y) <= 0.022) { cr = 190; cg = 232; cb = 222; }
          r += cr; g += cg; b += cb; a += 255;
        }
      }
      const n = ss * ss, i = (py * size + px) * 4, cov = a / 255;
      out[i] = cov ? Math.round(r / cov) : 0;
      out[i + 1] = cov ? Math.round(g / cov) : 0;
      out[i + 2] = cov ? Math.round(b / cov) : 0;
      out[i + 3] = Math.round(a / n);
    }
  }
  return png(size, out);
}

const here = new URL('.', import.meta.url).pathname;
mkdirSync(`${here}icons`, { recursive: true });
writeFileSync(`${here}icon.png`, render(1024));
for (const s of [16, 32, 48, 64, 128, 256, 512]) writeFileSync(`${here}icons/${s}x${s}.png`, render(s));
console.log('wrote build/icon.png and build/icons/*.png');
