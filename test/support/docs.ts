/** The project's prose: the README and the guides in docs/, where commands, frames and figures are shown. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const repo = path.resolve(__dirname, "../..");

export interface DocFile {
  /** Relative to the repository root. */
  readonly file: string;
  readonly text: string;
}

/** README.md, then every docs/*.md in name order. */
export function readDocs(): DocFile[] {
  const docs = readdirSync(path.join(repo, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => path.join("docs", f));
  return ["README.md", ...docs].map((file) => ({ file, text: readFileSync(path.join(repo, file), "utf8") }));
}

/** All of them as one text, for a test that looks for a recorded frame wherever it is shown. */
export const allDocsText = (): string => readDocs().map((d) => d.text).join("\n");
