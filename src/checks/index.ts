/** The checks layer: upgrade-readiness checks on Kubernetes manifests. Never imports Pulumi or the AWS SDK. */
export { API_REMOVALS, apiStatus, findApiRemoval, type ApiRemoval, type ApiStatus } from "./api-removals.js";
export { assertTarget, checkObjects, checkTexts, InvalidTargetError, type CheckReport } from "./check.js";
export { CHECK_RULES, type Finding, type RuleId, type Severity } from "./finding.js";
export { manifestFiles, readInput, UnreadableInputError, MANIFEST_EXTENSIONS, type InputText } from "./inputs.js";
export { parseManifests, type InputError, type ManifestObject, type ParsedManifests } from "./manifest.js";
export { formatJson } from "./format/json.js";
export { formatSarif } from "./format/sarif.js";
export { formatText, type Palette } from "./format/text.js";
