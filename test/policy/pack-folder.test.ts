/**
 * The policy pack folder as Pulumi loads it (`pulumi preview --policy-pack ./policy`): after the
 * root `npm ci` (policy/ is an npm workspace), everything it needs resolves from the folder, with
 * one copy of @pulumi/pulumi and @pulumi/policy shared with the library, and no install of its own.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const repo = path.resolve(__dirname, "../..");
const fromPack = createRequire(path.join(repo, "policy", "index.ts"));
const fromRoot = createRequire(path.join(repo, "package.json"));

describe("the policy pack folder", () => {
  it("is a workspace of the root package, so the root lockfile pins its dependencies", () => {
    const root = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { workspaces?: string[] };
    expect(root.workspaces).toContain("policy");
    const lock = JSON.parse(readFileSync(path.join(repo, "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
    expect(lock.packages).toHaveProperty("policy");
    // Nothing installs into policy/ itself: no second lockfile or node_modules to drift.
    expect(existsSync(path.join(repo, "policy", "package-lock.json"))).toBe(false);
  });

  it("resolves the policy runtime, the SDK and the built library from the folder, the same copies the library uses", () => {
    for (const dependency of ["@pulumi/policy", "@pulumi/pulumi", "@pulumi/pulumi/cmd/run-policy-pack"]) {
      expect(fromPack.resolve(dependency)).toBe(fromRoot.resolve(dependency));
    }
    const library = fromPack.resolve("baton/policy");
    expect(path.relative(repo, library)).toBe(path.join("dist", "src", "policy", "index.js"));
  });

  it("loads the built policies the pack registers", () => {
    const { policies, POLICY_PACK_NAME } = fromPack("baton/policy") as { policies: { name: string }[]; POLICY_PACK_NAME: string };
    expect(POLICY_PACK_NAME).toMatch(/baton/);
    expect(policies.map((p) => p.name)).toContain("eks-endpoint-not-open");
  });
});
