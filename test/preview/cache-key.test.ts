/**
 * The key that signs the preview's cache entries: made once per user, 0600, outside the cache
 * folder; a key file anyone else could read or swap is refused, so no entry is trusted through it.
 */
import { spawn } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { CacheKeyError, cacheKeyFile, loadCacheKey } from "../../src/preview/cache-key.js";

const ROOT = path.resolve(__dirname, "../..");
const fresh = () => mkdtempSync(path.join(tmpdir(), "baton-key-"));

describe("the preview cache key", () => {
  it("is made on first use under $XDG_STATE_HOME/baton, mode 0600, and the same key on every later use", () => {
    const state = fresh();
    const first = loadCacheKey({ XDG_STATE_HOME: state });
    const file = path.join(state, "baton", "cache-key");
    expect(first.source).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^[0-9a-f]{64}\n$/);
    expect(loadCacheKey({ XDG_STATE_HOME: state })).toEqual(first);
    // Another user's (another state folder's) key differs.
    expect(loadCacheKey({ XDG_STATE_HOME: fresh() }).id).not.toBe(first.id);
  });

  it("defaults to ~/.local/state, ignoring a relative XDG_STATE_HOME as the XDG spec says", () => {
    expect(cacheKeyFile({})).toBe(path.join(homedir(), ".local", "state", "baton", "cache-key"));
    expect(cacheKeyFile({ XDG_STATE_HOME: "relative/state" })).toBe(path.join(homedir(), ".local", "state", "baton", "cache-key"));
  });

  it("comes from BATON_CACHE_KEY when set (a CI secret), which must be at least 32 characters", () => {
    const key = loadCacheKey({ BATON_CACHE_KEY: "k".repeat(64), XDG_STATE_HOME: "/nonexistent" });
    expect(key.source).toBe("BATON_CACHE_KEY");
    expect(key.secret.toString()).toBe("k".repeat(64));
    expect(() => loadCacheKey({ BATON_CACHE_KEY: "short" })).toThrow(/BATON_CACHE_KEY has 5 characters; a cache key needs at least 32/);
  });

  it("is one key when several first runs make it at once", async () => {
    const state = fresh();
    const script = `const { loadCacheKey } = require(${JSON.stringify(path.join(ROOT, "src/preview/cache-key.ts"))}); console.log(loadCacheKey({ XDG_STATE_HOME: ${JSON.stringify(state)} }).id);`;
    const ids = await Promise.all(Array.from({ length: 4 }, () => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => { out += chunk.toString(); });
      child.on("close", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}`))));
    })));
    expect(new Set(ids).size).toBe(1);
    expect(loadCacheKey({ XDG_STATE_HOME: state }).id).toBe(ids[0]);
  }, 60_000);

  it("is refused when others can read or write it, when it is a link, or not 64 hex digits: no entry is trusted through it", () => {
    const keyFile = (text: string) => {
      const state = fresh();
      mkdirSync(path.join(state, "baton"));
      const file = path.join(state, "baton", "cache-key");
      writeFileSync(file, text, { mode: 0o600 });
      return { state, file };
    };
    const readable = keyFile(`${"a".repeat(64)}\n`);
    chmodSync(readable.file, 0o644);
    expect(() => loadCacheKey({ XDG_STATE_HOME: readable.state })).toThrow(/can be read or written by others \(mode 0644\), so it proves nothing; delete it/);
    const garbled = keyFile("not a key\n");
    expect(() => loadCacheKey({ XDG_STATE_HOME: garbled.state })).toThrow(/is not 64 hex digits/);
    const linked = fresh();
    mkdirSync(path.join(linked, "baton"));
    symlinkSync(readable.file, path.join(linked, "baton", "cache-key"));
    expect(() => loadCacheKey({ XDG_STATE_HOME: linked })).toThrow(CacheKeyError);
    expect(() => loadCacheKey({ XDG_STATE_HOME: linked })).toThrow(/is a symbolic link/);
  });

  it.runIf(process.getuid?.() === 0)("is refused when it belongs to another user", () => {
    const state = fresh();
    loadCacheKey({ XDG_STATE_HOME: state });
    chownSync(path.join(state, "baton", "cache-key"), 4242, 4242);
    expect(() => loadCacheKey({ XDG_STATE_HOME: state })).toThrow(/belongs to uid 4242, not to you/);
  });
});
