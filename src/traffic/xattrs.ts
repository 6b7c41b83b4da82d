/**
 * Extended attributes (user.* tags, POSIX ACLs, security labels) belong to a file, and an atomic
 * edit writes a new file and renames it over the old: they are copied onto the new file first, so
 * the edited file keeps them. Through @napi-rs/xattr, whose builds cover Linux, macOS and FreeBSD;
 * where it has none (Windows), there are none to look at.
 */
type XattrApi = typeof import("@napi-rs/xattr");

let api: XattrApi | null | undefined;

function xattrs(): XattrApi | null {
  if (api === undefined) {
    try {
      api = require("@napi-rs/xattr") as XattrApi;
    } catch {
      api = null;
    }
  }
  return api;
}

/** A file system without extended attributes (or a platform without them) has none to keep. */
const UNSUPPORTED = new Set(["ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code ?? /\b(E[A-Z]+)\b/.exec(String((error as Error).message))?.[1];

/** The extended attributes of `file`, by name; empty where the file system keeps none. */
export function extendedAttributes(file: string): Map<string, Buffer> {
  const lib = xattrs();
  const out = new Map<string, Buffer>();
  if (lib === null) return out;
  let names: string[];
  try {
    names = lib.listAttributesSync(file);
  } catch (error) {
    if (UNSUPPORTED.has(codeOf(error) ?? "")) return out;
    throw error;
  }
  for (const name of names) {
    const value = lib.getAttributeSync(file, name);
    if (value !== null) out.set(name, value);
  }
  return out;
}

/**
 * Gives `to` the extended attributes `from` has (an attribute the new file already holds with the
 * same value, such as a security label the system set, is left alone). Throws, naming the
 * attribute, when one cannot be set: the caller then leaves the original file as it was.
 */
export function copyExtendedAttributes(from: string, to: string): void {
  const wanted = extendedAttributes(from);
  if (wanted.size === 0) return;
  const lib = xattrs()!;
  const present = extendedAttributes(to);
  for (const [name, value] of wanted) {
    if (present.get(name)?.equals(value)) continue;
    try {
      lib.setAttributeSync(to, name, value);
    } catch (error) {
      throw Object.assign(new Error(`extended attribute ${name}: ${(error as Error).message}`), { attribute: name });
    }
  }
}
