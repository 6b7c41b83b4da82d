/** Writing AMI release pins into a stack file: only the value, or one new key in the map's own style; every other byte kept. */
import { parse } from "yaml";
import { FleetSpecError } from "../../src/fleet/problems.js";
import { writeReleasePins } from "../../src/traffic/release-pins.js";

const head = `config:
  baton:fleet:
    clusters:
      blue:
        nodeGroups:
`;
const pin = (nodeGroup: string, release: string) => ({ cluster: "blue", nodeGroup, release });
const releaseOf = (text: string, group: string) =>
  (parse(text) as { config: { "baton:fleet": { clusters: { blue: { nodeGroups: Record<string, { releaseVersion?: string }> } } } } }).config["baton:fleet"].clusters.blue.nodeGroups[group]?.releaseVersion;

describe("writeReleasePins", () => {
  it("adds the key after a group whose last key is a nested block, at the group's indentation", () => {
    const text = `${head}          general:
            instanceTypes: [m7i.large]
            scaling:
              min: 1   # at least one
              max: 3
          # the next group
          batch: { instanceTypes: [c7i.large], scaling: { min: 0, desired: 0, max: 4 } }
`;
    const out = writeReleasePins(text, "f.yaml", [pin("general", "1.33.6-20261126"), pin("batch", "1.33.6-20261126")]);
    expect(out).toBe(text
      .replace("              max: 3\n", '              max: 3\n            releaseVersion: "1.33.6-20261126"\n')
      .replace("max: 4 } }", 'max: 4 }, releaseVersion: "1.33.6-20261126" }'));
    expect(releaseOf(out, "general")).toBe("1.33.6-20261126");
    expect(releaseOf(out, "batch")).toBe("1.33.6-20261126");
  });

  it("replaces only the value, in its own quoting, and keeps CRLF line endings", () => {
    const text = `${head}          general:\r\n            releaseVersion: '1.33.5-20261105' # pinned\r\n            instanceTypes: [m7i.large]\r\n`.replace(/(?<!\r)\n/g, "\r\n");
    const out = writeReleasePins(text, "f.yaml", [pin("general", "1.33.6-20261126")]);
    expect(out).toBe(text.replace("'1.33.5-20261105'", "'1.33.6-20261126'"));
  });

  it("refuses a group the file does not have, and a pin shared through a YAML anchor", () => {
    const text = `${head}          general: { instanceTypes: [m7i.large], releaseVersion: &r "1.33.5-20261105" }
          other: { instanceTypes: [m7i.large], releaseVersion: *r }
`;
    expect(() => writeReleasePins(text, "f.yaml", [pin("missing", "1.33.6-20261126")])).toThrow(FleetSpecError);
    let thrown: unknown;
    try {
      writeReleasePins(text, "f.yaml", [pin("general", "1.33.6-20261126")]);
    } catch (error) { thrown = error; }
    expect((thrown as FleetSpecError).problems).toEqual([expect.objectContaining({
      rule: "amis-shared-node", path: "baton:fleet.clusters.blue.nodeGroups.general.releaseVersion",
    })]);
  });
});
