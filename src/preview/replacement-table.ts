/**
 * The replacement table lives in the fleet model layer (plain data, no Pulumi), so the spec's transition
 * rules and the preview's diff judge replacements from one source; the preview re-exports it.
 */
export { classifyUpdate, isUnder, REPLACEMENT_TABLE, type ReplacementRule, type ReplacementVerdict } from "../fleet/replacements.js";
