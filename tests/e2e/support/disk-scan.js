// Reads every file Chromium left in a profile folder, as a thief with a copy of the tablet's
// storage would: raw bytes, plus LevelDB's table blocks decompressed (IndexedDB keeps its data
// in LevelDB, whose .ldb blocks are Snappy-compressed). Then looks for given markers, in UTF-8
// and in UTF-16LE (V8 serialises strings in either).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import snappy from "snappyjs";

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) yield* files(path);
    else if (stat.isFile()) yield path;
  }
}

function varint(buf, pos) {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[pos++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [Number(result), pos];
    shift += 7n;
  }
}

// A block's contents, decompressed if its trailer says it is compressed.
function readBlock(buf, offset, size) {
  const contents = buf.subarray(offset, offset + size);
  const type = buf[offset + size];
  if (type === 0) return contents;
  if (type === 1) return Buffer.from(snappy.uncompress(contents));
  throw new Error(`LevelDB block compressed with type ${type}: the scan cannot read it, so it cannot vouch for it`);
}

// The values of a block's entries (for an index block, the handles of the data blocks).
function blockValues(block) {
  const restarts = block.readUInt32LE(block.length - 4);
  const end = block.length - 4 - 4 * restarts;
  const values = [];
  let pos = 0;
  while (pos < end) {
    let shared, nonShared, valueLen;
    [shared, pos] = varint(block, pos);
    [nonShared, pos] = varint(block, pos);
    [valueLen, pos] = varint(block, pos);
    pos += nonShared;
    values.push(block.subarray(pos, pos + valueLen));
    pos += valueLen;
  }
  return values;
}

const MAGIC = Buffer.from("57fb808b247547db", "hex");

// Every data block of a LevelDB table file, decompressed.
export function leveldbTableBlocks(buf) {
  if (buf.length < 48 || !buf.subarray(buf.length - 8).equals(MAGIC)) return [];
  const footer = buf.subarray(buf.length - 48);
  let pos = 0;
  let metaOffset, metaSize, indexOffset, indexSize;
  [metaOffset, pos] = varint(footer, pos);
  [metaSize, pos] = varint(footer, pos);
  [indexOffset, pos] = varint(footer, pos);
  [indexSize, pos] = varint(footer, pos);
  const index = readBlock(buf, indexOffset, indexSize);
  return blockValues(index).map((handle) => {
    let offset, size, p = 0;
    [offset, p] = varint(handle, p);
    [size, p] = varint(handle, p);
    return readBlock(buf, offset, size);
  });
}

// Every place a marker appears: [{ file, marker, encoding }]. A marker is a string (looked for
// in UTF-8 and UTF-16LE) or { label, bytes } (looked for as those bytes). `tableBlocks` counts
// the LevelDB blocks opened, so a test can show the scan looked inside them.
export function scanProfile(dir, markers) {
  const hits = [];
  let filesRead = 0;
  let tableBlocks = 0;
  const needles = markers.flatMap((marker) =>
    typeof marker === "string"
      ? [
          { marker, encoding: "utf-8", bytes: Buffer.from(marker, "utf8") },
          { marker, encoding: "utf-16le", bytes: Buffer.from(marker, "utf16le") },
        ]
      : [{ marker: marker.label, encoding: "bytes", bytes: marker.bytes }],
  );
  for (const path of files(dir)) {
    const raw = readFileSync(path);
    filesRead++;
    const views = [raw];
    if (path.endsWith(".ldb") || path.endsWith(".sst")) {
      const blocks = leveldbTableBlocks(raw);
      tableBlocks += blocks.length;
      views.push(...blocks);
    }
    for (const view of views) {
      for (const n of needles) {
        if (view.indexOf(n.bytes) !== -1) {
          hits.push({ file: relative(dir, path), marker: n.marker, encoding: n.encoding });
        }
      }
    }
  }
  return { hits, filesRead, tableBlocks };
}
