import fs from 'node:fs';
import zlib from 'node:zlib';

/**
 * Reads a saved hnswlib index file the way hnswlib would, but in JavaScript and without trusting
 * a single byte: every size, count and neighbour id is checked before hnswlib-node ever sees the
 * file (hnswlib trusts them, and damaged bytes crash the whole process with a segfault). The same
 * pass computes the file's checksum and the labels of its live points.
 *
 * Layout (hnswlib 0.8, x86-64): a 96-byte header; `count` level-0 records of
 * `sizeDataPerElement` bytes (uint16 neighbour count, a flags byte whose bit 0 marks a deleted
 * point, a pad byte, maxM0 uint32 neighbour ids, the vector, a uint64 label); then, per point,
 * a uint32 byte length followed by that many bytes of upper-level link lists.
 */

export interface IndexFileReport {
  bytes: number;
  /** `crc32:` and 8 hex digits, over the whole file. */
  checksum: string;
  /** Slots in use (hnswlib's current count), deleted points included. */
  slots: number;
  /** Labels (chunk ids) of the points not marked deleted. */
  liveLabels: Uint32Array;
  /** Labels of the points marked deleted (their slots are reused by later points). */
  deletedLabels: Uint32Array;
  /** The graph degree the file was built with. */
  m: number;
}

/** The file is not an index this code wrote intact: what is wrong with it, in words. */
export class IndexFileDamage extends Error {
  override readonly name = 'IndexFileDamage';
}

const HEADER_BYTES = 96;
const BLOCK_BYTES = 8 * 1024 * 1024;
const DELETED_MARK = 0x01;
/** Far above any level hnswlib draws (about ln(2^64) / ln(M)); a larger one is damage. */
const MAX_LEVEL = 100;
const MAX_M = 10_000;

/** Checksum of a buffer sequence, as recorded in vectors.json (CRC-32: built into Node, ~4.7 GB/s here). */
export class Checksum {
  private value = 0;
  update(bytes: Uint8Array): void {
    this.value = zlib.crc32(bytes, this.value);
  }
  digest(): string {
    return `crc32:${(this.value >>> 0).toString(16).padStart(8, '0')}`;
  }
}

function safeInteger(header: Buffer, offset: number, field: string): number {
  const value = header.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new IndexFileDamage(`its header field ${field} is out of range`);
  return Number(value);
}

/** Reads exactly `length` bytes at `position` into `buffer`, or reports a short file. */
function readFully(fd: number, buffer: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) throw new IndexFileDamage('it ends before its last point');
    done += n;
  }
}

/**
 * Checks every structural invariant of the index file at `file` for vectors of `dimensions`
 * floats, and returns its size, checksum and live labels. Throws IndexFileDamage when it is not
 * a whole, well-formed index; other errors (a missing file, EIO) are thrown as they are.
 */
export function inspectIndexFile(file: string, dimensions: number): IndexFileReport {
  const fd = fs.openSync(file, 'r');
  try {
    return inspectOpenFile(fd, dimensions);
  } finally {
    fs.closeSync(fd);
  }
}

/** The header fields the checks use, after checking they describe a possible index of `dimensions` floats. */
interface IndexHeader {
  count: number;
  sizeDataPerElement: number;
  labelOffset: number;
  maxLevel: number;
  enterPoint: number;
  maxM: number;
  maxM0: number;
  m: number;
}

function readHeader(fd: number, bytes: number, dimensions: number, checksum: Checksum): IndexHeader {
  if (bytes < HEADER_BYTES) throw new IndexFileDamage(`it is ${bytes} bytes long, shorter than an index header`);
  const header = Buffer.alloc(HEADER_BYTES);
  readFully(fd, header, HEADER_BYTES, 0);
  checksum.update(header);

  const offsetLevel0 = safeInteger(header, 0, 'offsetLevel0');
  const maxElements = safeInteger(header, 8, 'maxElements');
  const count = safeInteger(header, 16, 'count');
  const sizeDataPerElement = safeInteger(header, 24, 'sizeDataPerElement');
  const labelOffset = safeInteger(header, 32, 'labelOffset');
  const offsetData = safeInteger(header, 40, 'offsetData');
  const maxLevel = header.readInt32LE(48);
  const enterPoint = header.readUInt32LE(52);
  const maxM = safeInteger(header, 56, 'maxM');
  const maxM0 = safeInteger(header, 64, 'maxM0');
  const m = safeInteger(header, 72, 'M');

  const dataSize = dimensions * 4;
  const sizeLinksLevel0 = maxM0 * 4 + 4;
  if (offsetLevel0 !== 0) throw new IndexFileDamage('its header does not start its points at offset 0');
  if (m < 2 || m > MAX_M || maxM !== m || maxM0 !== 2 * m) throw new IndexFileDamage(`its header has an impossible graph degree (M ${m})`);
  if (
    sizeDataPerElement !== sizeLinksLevel0 + dataSize + 8 ||
    offsetData !== sizeLinksLevel0 ||
    labelOffset !== sizeLinksLevel0 + dataSize
  ) {
    throw new IndexFileDamage(`its point size does not fit ${dimensions}-dimension vectors`);
  }
  if (count > maxElements) throw new IndexFileDamage(`it claims ${count} points in room for ${maxElements}`);
  if (count === 0 ? maxLevel !== -1 : maxLevel < 0 || maxLevel > MAX_LEVEL)
    throw new IndexFileDamage(`its top level ${maxLevel} is impossible`);
  if (count > 0 && enterPoint >= count) throw new IndexFileDamage('its entry point is not one of its points');
  // Each point after level 0 takes at least its 4-byte length.
  if (HEADER_BYTES + count * sizeDataPerElement + count * 4 > bytes) {
    throw new IndexFileDamage(`it is ${bytes} bytes long, too short for the ${count} points its header claims (cut short?)`);
  }
  return { count, sizeDataPerElement, labelOffset, maxLevel, enterPoint, maxM, maxM0, m };
}

function checkNeighbourCount(n: number, max: number, where: string): void {
  if (n > max) throw new IndexFileDamage(`${where} claims ${n} neighbours, more than the ${max} allowed`);
}

/** Level 0: every point's links, label and deleted mark, read in whole records per block (so each is 4-byte aligned). */
function readLevel0(fd: number, h: IndexHeader, checksum: Checksum): { labels: Uint32Array; deleted: Uint8Array } {
  const { count, sizeDataPerElement } = h;
  const labels = new Uint32Array(count);
  const deleted = new Uint8Array(count);
  const perBlock = Math.max(1, Math.floor(BLOCK_BYTES / sizeDataPerElement));
  const block = Buffer.allocUnsafeSlow(Math.max(BLOCK_BYTES, perBlock * sizeDataPerElement));
  const wordsPerElement = sizeDataPerElement / 4;
  const labelWord = h.labelOffset / 4;
  for (let first = 0; first < count; first += perBlock) {
    const n = Math.min(perBlock, count - first);
    const length = n * sizeDataPerElement;
    readFully(fd, block, length, HEADER_BYTES + first * sizeDataPerElement);
    checksum.update(block.subarray(0, length));
    const words = new Uint32Array(block.buffer, block.byteOffset, length / 4);
    for (let j = 0; j < n; j++) {
      const base = j * wordsPerElement;
      const head = words[base] as number;
      const neighbours = head & 0xffff;
      checkNeighbourCount(neighbours, h.maxM0, `point ${first + j}`);
      for (let k = 1; k <= neighbours; k++) {
        if ((words[base + k] as number) >= count) throw new IndexFileDamage(`point ${first + j} links to a point that does not exist`);
      }
      if ((words[base + labelWord + 1] as number) !== 0) throw new IndexFileDamage(`point ${first + j} has an impossible label`);
      labels[first + j] = words[base + labelWord] as number;
      deleted[first + j] = ((head >>> 16) & DELETED_MARK) === DELETED_MARK ? 1 : 0;
    }
  }
  return { labels, deleted };
}

/** Reads a file from `position` to its end through a buffer refilled as it drains, adding every byte to the checksum. */
class SequentialReader {
  block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  at = 0;
  private have = 0;

  private readonly fd: number;
  private position: number;
  private readonly checksum: Checksum;

  constructor(fd: number, position: number, checksum: Checksum) {
    this.fd = fd;
    this.position = position;
    this.checksum = checksum;
  }

  /** Makes at least `needed` unread bytes available from `block` at `at`. */
  refill(needed: number): void {
    if (this.have - this.at >= needed) return;
    if (needed > this.block.length) {
      const bigger = Buffer.allocUnsafeSlow(needed);
      this.block.copy(bigger, 0, this.at, this.have);
      this.block = bigger;
    } else {
      this.block.copy(this.block, 0, this.at, this.have);
    }
    this.have -= this.at;
    this.at = 0;
    while (this.have < needed) {
      const n = fs.readSync(this.fd, this.block, this.have, this.block.length - this.have, this.position);
      if (n === 0) throw new IndexFileDamage('it ends before its last point (cut short?)');
      this.checksum.update(this.block.subarray(this.have, this.have + n));
      this.have += n;
      this.position += n;
    }
  }

  /** Bytes of the file not yet consumed. */
  remaining(bytes: number): number {
    return bytes - this.position + (this.have - this.at);
  }
}

/**
 * Upper levels: each point's variable-length links. Returns each point's level, and every
 * upper link as (neighbour, level) pairs, checked once every level is known: hnswlib reads a
 * neighbour's links at the level it was reached on, so a neighbour below it is a read out of bounds.
 */
function readUpperLevels(fd: number, bytes: number, h: IndexHeader, checksum: Checksum): { levelOf: Uint8Array; upperLinks: number[] } {
  const { count, maxLevel } = h;
  const sizeLinksPerElement = h.maxM * 4 + 4;
  const levelOf = new Uint8Array(count);
  const upperLinks: number[] = [];
  const reader = new SequentialReader(fd, HEADER_BYTES + count * h.sizeDataPerElement, checksum);
  for (let i = 0; i < count; i++) {
    reader.refill(4);
    const size = reader.block.readUInt32LE(reader.at);
    reader.at += 4;
    if (size % sizeLinksPerElement !== 0) throw new IndexFileDamage(`point ${i} has upper links of an impossible size`);
    const levels = size / sizeLinksPerElement;
    if (levels > maxLevel) throw new IndexFileDamage(`point ${i} reaches level ${levels}, above the top level ${maxLevel}`);
    if (i === h.enterPoint && levels !== maxLevel) throw new IndexFileDamage('its entry point is not on its top level');
    levelOf[i] = levels;
    if (size === 0) continue;
    reader.refill(size);
    const words = new Uint32Array(reader.block.buffer, reader.block.byteOffset + reader.at, size / 4);
    for (let level = 0; level < levels; level++) {
      const base = (level * sizeLinksPerElement) / 4;
      const neighbours = (words[base] as number) & 0xffff;
      checkNeighbourCount(neighbours, h.maxM, `point ${i} at level ${level + 1}`);
      for (let k = 1; k <= neighbours; k++) {
        const neighbour = words[base + k] as number;
        if (neighbour >= count) throw new IndexFileDamage(`point ${i} links to a point that does not exist`);
        upperLinks.push(neighbour, level + 1);
      }
    }
    reader.at += size;
  }
  const extra = reader.remaining(bytes);
  if (extra !== 0) throw new IndexFileDamage(`it has ${extra} bytes after its last point`);
  return { levelOf, upperLinks };
}

function checkLinkLevels(levelOf: Uint8Array, upperLinks: number[]): void {
  for (let i = 0; i < upperLinks.length; i += 2) {
    if ((levelOf[upperLinks[i] as number] as number) < (upperLinks[i + 1] as number)) {
      throw new IndexFileDamage(`point ${upperLinks[i]} is linked at a level it does not reach`);
    }
  }
}

function checkUniqueLabels(labels: Uint32Array): void {
  const sorted = labels.slice().sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new IndexFileDamage(`the label ${sorted[i]} belongs to more than one point`);
  }
}

/** The labels of live points and of points marked deleted. */
function splitLabels(labels: Uint32Array, deleted: Uint8Array): { liveLabels: Uint32Array; deletedLabels: Uint32Array } {
  let live = 0;
  for (const mark of deleted) if (mark === 0) live++;
  const liveLabels = new Uint32Array(live);
  const deletedLabels = new Uint32Array(labels.length - live);
  for (let i = 0, j = 0, k = 0; i < labels.length; i++) {
    if (deleted[i] === 0) liveLabels[j++] = labels[i] as number;
    else deletedLabels[k++] = labels[i] as number;
  }
  return { liveLabels, deletedLabels };
}

function inspectOpenFile(fd: number, dimensions: number): IndexFileReport {
  const bytes = fs.fstatSync(fd).size;
  const checksum = new Checksum();
  const header = readHeader(fd, bytes, dimensions, checksum);
  const { labels, deleted } = readLevel0(fd, header, checksum);
  const { levelOf, upperLinks } = readUpperLevels(fd, bytes, header, checksum);
  checkLinkLevels(levelOf, upperLinks);
  checkUniqueLabels(labels);
  const { liveLabels, deletedLabels } = splitLabels(labels, deleted);
  return { bytes, checksum: checksum.digest(), slots: header.count, liveLabels, deletedLabels, m: header.m };
}
