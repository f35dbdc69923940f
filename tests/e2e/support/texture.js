// A camera picture with detail everywhere: a Y4M file of one 640×480 frame of 8×8 blocks of
// random grey (a fixed seed), for Chromium's fake camera. Chromium's own animation is mostly flat
// green, where a blur would change nothing measurable.
import { writeFileSync } from "node:fs";

export const WIDTH = 640;
export const HEIGHT = 480;

// One 640×480 frame's Y plane: 8×8 blocks of random grey from `seed`.
function blocksOfGrey(seed) {
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed >> 16;
  };
  const blocks = [];
  for (let i = 0; i < (WIDTH / 8) * (HEIGHT / 8); i++) blocks.push(16 + (next() % 220));
  const y = Buffer.alloc(WIDTH * HEIGHT);
  for (let row = 0; row < HEIGHT; row++) {
    for (let col = 0; col < WIDTH; col++) {
      y[row * WIDTH + col] = blocks[Math.floor(row / 8) * (WIDTH / 8) + Math.floor(col / 8)];
    }
  }
  return y;
}

export function writeTexture(path) {
  return writeChangingTexture(path, 1, 12345);
}

// A camera that shows something new every frame: `frames` frames of 8×8 blocks of random grey,
// each from its own seed, so two photos taken at different moments are never the same bytes.
export function writeChangingTexture(path, frames, firstSeed = 777) {
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F30:1 Ip A1:1 C420jpeg\n`);
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
  const parts = [header];
  for (let f = 0; f < frames; f++) {
    parts.push(Buffer.from("FRAME\n"), blocksOfGrey(firstSeed + f * 7919), chroma, chroma);
  }
  writeFileSync(path, Buffer.concat(parts));
  return path;
}
