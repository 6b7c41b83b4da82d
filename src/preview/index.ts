/** The offline preview and the review comment: capture, diff, read a real preview, render. */
export { captureProgram, type CaptureOptions } from "./capture.js";
export { changedPaths, createAll, diffCaptures } from "./diff.js";
export { cloudChanges, countOps, shortType, type Capture, type CapturedResource, type ChangeOp, type ResourceChange } from "./model.js";
export { offlinePreview, type FleetCapturer, type OfflinePreview, type OfflinePreviewInput } from "./offline-preview.js";
export { OfflineMocks, type OfflineMocksOptions } from "./offline-mocks.js";
export { parsePulumiPreview, PreviewJsonError, type ParsedPreview } from "./pulumi-preview.js";
export { classifyUpdate, REPLACEMENT_TABLE, type ReplacementRule } from "./replacement-table.js";
export { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown } from "./render-markdown.js";
export { renderJson, toPreviewJson, type PreviewJson } from "./render-json.js";
export { renderText } from "./render-text.js";
export { buildReview, type Review, type ReviewInput, type ServiceTraffic, type NodeGroupRoll, type Verdict } from "./review.js";
export { engineOrder, type EngineOp, type EngineOrder, type EngineStep, type OrderViolation } from "./engine-order.js";
export { PRECONDITIONS, preconditionsOf, type Match, type Preconditions, type Requirement } from "./preconditions.js";
