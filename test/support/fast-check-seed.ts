/**
 * Every property test runs the same generated cases on every run, so CI is repeatable; set
 * FC_SEED to explore other cases (a failure prints the seed and path to replay it).
 */
import fc from "fast-check";

const seed = Number(process.env["FC_SEED"] ?? 20261129);
if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be a whole number, got ${process.env["FC_SEED"]}`);
fc.configureGlobal({ seed });
