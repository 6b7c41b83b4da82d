/**
 * Sets node groups' `releaseVersion` pins in a stack config file without disturbing anything else,
 * the way `baton shift` sets weights (stack-file.ts): a pin that is there has only its value
 * replaced, in its own quoting; a group without one gets the key added in the map's own style.
 * Comments, key order and layout survive byte for byte.
 */
import { isMap, isScalar, Scalar, type YAMLMap } from "yaml";
import { configPath, FLEET_CONFIG_KEY, FleetSpecError, type Problem } from "../fleet/problems.js";
import { isSharedNode } from "../fleet/yaml.js";
import { insertion, parseStackDocument, type Splice } from "./stack-file.js";

export interface ReleasePin {
  readonly cluster: string;
  readonly nodeGroup: string;
  readonly release: string;
}

function problem(rule: string, path: string, message: string, fix: string): Problem {
  return { severity: "error", rule, path, message, fix };
}

/** A release is written out plain when YAML reads it back as the same string, else in double quotes. */
const RELEASE_TEXT = /^[0-9][0-9A-Za-z.-]*$/;

function written(release: string, style: Scalar["type"] | undefined): string {
  if (style === Scalar.QUOTE_SINGLE) return `'${release}'`;
  if (style === Scalar.PLAIN && RELEASE_TEXT.test(release) && !/^\d+(\.\d+)?$/.test(release)) return release;
  return JSON.stringify(release);
}

/** Returns `text` with each pin set; throws FleetSpecError naming a node group the file does not have, or a shared (anchored) node. */
export function writeReleasePins(text: string, file: string, pins: readonly ReleasePin[]): string {
  const doc = parseStackDocument(text, file);
  const splices: Splice[] = [];
  for (const pin of pins) {
    const at = ["clusters", pin.cluster, "nodeGroups", pin.nodeGroup];
    const path = configPath(at);
    const node = doc.getIn(["config", FLEET_CONFIG_KEY, ...at], true);
    if (!isMap(node)) {
      throw new FleetSpecError([problem("amis-unknown-node-group", path, `${file} has no node group ${pin.cluster}/${pin.nodeGroup}.`, "Point at the stack config that defines it.")], "Cannot pin AMI releases");
    }
    const pair = (node as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === "releaseVersion");
    if (isSharedNode(node) || (pair && isSharedNode(pair.value))) {
      throw new FleetSpecError([problem("amis-shared-node", `${path}${pair ? ".releaseVersion" : ""}`,
        `${path}${pair ? ".releaseVersion" : ""} is a YAML anchor or alias, so other fields may share its value; editing it would change them too.`,
        "Write the value out in place (no &anchor or *alias) and run the command again.")], "Cannot pin AMI releases");
    }
    if (pair && isScalar(pair.value) && pair.value.range) {
      const [start, end] = pair.value.range;
      if (pair.value.value !== pin.release) splices.push({ at: start, end, text: written(pin.release, pair.value.type) });
    } else if (pair) {
      throw new FleetSpecError([problem("amis-not-a-value", `${path}.releaseVersion`, `${path}.releaseVersion is not a single value.`, 'Write it as releaseVersion: "<release>".')], "Cannot pin AMI releases");
    } else {
      splices.push(insertion(text, node as YAMLMap, [`releaseVersion: ${JSON.stringify(pin.release)}`]));
    }
  }
  let out = text;
  for (const s of [...splices].sort((a, b) => b.at - a.at)) out = out.slice(0, s.at) + s.text + out.slice(s.end);
  return out;
}
