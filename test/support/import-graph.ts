import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Follows the imports that load at startup (static, not `import type`, not `await import()`)
 * from a source file and collects every package they reach.
 */
export function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/^(?:import|export)\s+(?!type\b)(?:[^;]*?\sfrom\s+)?["']([^"']+)["']/gm)) {
      const spec = match[1] ?? "";
      if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")));
      else packages.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0] ?? spec);
    }
  };
  visit(entry);
  return packages;
}
