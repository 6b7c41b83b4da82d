/**
 * Reading an input file with bounds: every file baton reads (stack configs, manifests, Pulumi.yaml)
 * goes through here, so none can exhaust memory (`/dev/zero`), block forever (a FIFO) or be read as
 * the wrong encoding (UTF-16 read as "no baton:fleet key").
 */
import { constants as bufferConstants } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** What one input read may take. */
export interface InputLimits {
  /** Largest file read, in bytes. @default 8 MiB (`--max-input-size` raises it) */
  readonly maxBytes: number;
}

export const DEFAULT_MAX_INPUT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_INPUT_LIMITS: InputLimits = { maxBytes: DEFAULT_MAX_INPUT_BYTES };

/** A file that cannot be read as text within the limits; the message names the file, the cause and the fix. */
export class InputFileError extends Error {
  override name = "InputFileError";
  constructor(readonly file: string, message: string, readonly reason: "missing" | "too-large" | "other" = "other") {
    super(message);
  }
}

/** `8388608` → `8 MiB`. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Parses `8MiB`, `512KiB`, `64M`, `1G` or a byte count. Undefined when it is none of those or not positive. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = match[2]!.toLowerCase().charAt(0);
  const bytes = Number(match[1]) * (unit === "k" ? 2 ** 10 : unit === "m" ? 2 ** 20 : unit === "g" ? 2 ** 30 : 1);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

const KIND: ReadonlyArray<[string, (s: ReturnType<typeof fstatSync>) => boolean]> = [
  ["a folder", (s) => s.isDirectory()],
  ["a FIFO (named pipe)", (s) => s.isFIFO()],
  ["a socket", (s) => s.isSocket()],
  ["a character device", (s) => s.isCharacterDevice()],
  ["a block device", (s) => s.isBlockDevice()],
];

function openError(file: string, error: NodeJS.ErrnoException): InputFileError {
  switch (error.code) {
    case "ENOENT": return new InputFileError(file, `cannot read ${file}: no such file`, "missing");
    case "ELOOP": return new InputFileError(file, `cannot read ${file}: a symbolic link loop (a link that points back to itself)`);
    case "EACCES": return new InputFileError(file, `cannot read ${file}: permission denied`);
    case "EISDIR": return new InputFileError(file, `cannot read ${file}: it is a folder, not a file`);
    default: return new InputFileError(file, `cannot read ${file}: ${error.message}`);
  }
}

const tooLarge = (file: string, limits: InputLimits) =>
  new InputFileError(file, `${file} is larger than ${formatBytes(limits.maxBytes)}, the most baton reads from one file; if it really is that large, raise the limit with --max-input-size (e.g. --max-input-size 64MiB)`, "too-large");

/**
 * The most text one Node.js string holds (V8's limit, about 512 MiB on 64-bit): a file larger than
 * this cannot be read as text whatever `--max-input-size` allows.
 */
export const MAX_READABLE_BYTES = bufferConstants.MAX_STRING_LENGTH;
const MAX_CHUNK_BYTES = 64 * 2 ** 20;

const beyondNode = (file: string, bytes: number) =>
  new InputFileError(file, `${file} is ${formatSize(bytes)}; baton reads at most ${formatSize(MAX_READABLE_BYTES)} from one file (the largest text Node.js can hold), whatever --max-input-size says`, "too-large");

/** `5368709120` → `5 GiB`, `1048577` → `1.0 MiB`: a size for messages. */
function formatSize(bytes: number): string {
  for (const [unit, size] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (bytes >= size) return bytes % size === 0 ? `${bytes / size} ${unit}` : `${(bytes / size).toFixed(1)} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Reads from `fd` until end of file, refusing past `limits.maxBytes`. */
function readBounded(fd: number, file: string, limits: InputLimits, sizeHint: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  // One read of the whole file when its size is known; never a chunk larger than 64 MiB.
  const chunkSize = Math.min(Math.max(sizeHint + 1, 64 * 1024), limits.maxBytes + 1, MAX_CHUNK_BYTES);
  for (;;) {
    const chunk = Buffer.allocUnsafe(chunkSize);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      throw new InputFileError(file, `cannot read ${file}: ${(error as Error).message}`);
    }
    if (read === 0) break;
    total += read;
    if (total > limits.maxBytes) throw tooLarge(file, limits);
    if (total > MAX_READABLE_BYTES) throw beyondNode(file, total);
    chunks.push(chunk.subarray(0, read));
  }
  return Buffer.concat(chunks, total);
}

/** How `readInputBytes` treats a symbolic link as the last part of the path. */
export interface OpenOptions {
  /** @default true; false refuses a link instead of following it (a cache entry is never a link). */
  readonly followLinks?: boolean;
}

/**
 * Reads a regular file's bytes. Folders, FIFOs, sockets and devices are refused without reading
 * (the descriptor is opened non-blocking and checked, so a FIFO cannot hang the read); a file over
 * `limits.maxBytes` is refused; with `followLinks: false` a symbolic link is refused too.
 */
export function readInputBytes(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS, options: OpenOptions = {}): Buffer {
  const follow = options.followLinks ?? true;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (follow ? 0 : constants.O_NOFOLLOW));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // O_NOFOLLOW fails with ELOOP on a link (EMLINK on some BSDs): it is a link, not a loop.
    if (!follow && (code === "ELOOP" || code === "EMLINK")) throw new InputFileError(file, `cannot read ${file}: it is a symbolic link, and baton does not follow links here`);
    throw openError(file, error as NodeJS.ErrnoException);
  }
  try {
    const stat = fstatSync(fd);
    const kind = KIND.find(([, is]) => is(stat))?.[0];
    if (kind !== undefined) throw new InputFileError(file, `cannot read ${file}: it is ${kind}, not a regular file; baton reads only regular files`);
    if (stat.size > limits.maxBytes) throw tooLarge(file, limits);
    if (stat.size > MAX_READABLE_BYTES) throw beyondNode(file, stat.size);
    return readBounded(fd, file, limits, stat.size);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a regular file as UTF-8 text (see `readInputBytes` for what is refused); UTF-16/32 and
 * invalid UTF-8 are refused by name.
 */
export function readInputFile(file: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): string {
  return decodeText(readInputBytes(file, limits), file);
}

/** Reads standard input (for `-`) within the same size bound; a pipe is fine here, it is what `-` is for. */
export function readInputStream(fd: number, name: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): string {
  return decodeText(readBounded(fd, name, limits, 0), name);
}

/**
 * UTF-8 text from bytes. YAML also allows UTF-16 and UTF-32; baton, like the tools it edits for,
 * reads UTF-8 only, so the other encodings (with or without a byte-order mark, detected as the
 * YAML spec describes from the first bytes) are named instead of being misread. A UTF-8 BOM is kept
 * in the text, so a rewrite keeps it too.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  const encoding = detectWideEncoding(bytes);
  if (encoding !== undefined) {
    const [name, iconv] = encoding;
    throw new InputFileError(file, `${file} is encoded as ${name}; baton reads UTF-8 only. Convert it, e.g. iconv -f ${iconv} -t UTF-8 ${file} > converted.yaml`);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputFileError(file, `${file} is not valid UTF-8 text (is it a binary file, or saved in a legacy encoding such as Latin-1?); save it as UTF-8`);
  }
}

/** The YAML spec's encoding detection (1.2, section 5.2) on the first four bytes. */
function detectWideEncoding(b: Uint8Array): readonly [string, string] | undefined {
  const [b0, b1, b2, b3] = [b[0], b[1], b[2], b[3]];
  if (b.length >= 4) {
    if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return UTF32BE;
    if (b0 === 0 && b1 === 0 && b2 === 0 && b3 !== 0) return UTF32BE;
    if (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) return UTF32LE;
    if (b0 !== 0 && b1 === 0 && b2 === 0 && b3 === 0) return UTF32LE;
  }
  if (b.length >= 2) {
    if (b0 === 0xfe && b1 === 0xff) return UTF16BE;
    if (b0 === 0xff && b1 === 0xfe) return UTF16LE;
    if (b0 === 0 && b1 !== 0) return UTF16BE;
    if (b0 !== 0 && b1 === 0) return UTF16LE;
  }
  return undefined;
}

const UTF32BE = ["UTF-32 (big-endian)", "UTF-32BE"] as const;
const UTF32LE = ["UTF-32 (little-endian)", "UTF-32LE"] as const;
const UTF16BE = ["UTF-16 (big-endian)", "UTF-16BE"] as const;
const UTF16LE = ["UTF-16 (little-endian)", "UTF-16LE"] as const;
