import { validateFleet } from "../../src/fleet/validate.js";
import type { Problem } from "../../src/fleet/problems.js";
import { edit, migrationFleet, TODAY, type RawConfig } from "../support/fleets.js";

const validate = (input: unknown) => validateFleet(input, { today: TODAY });
const rules = (problems: readonly Problem[]) => problems.map((p) => `${p.severity}:${p.rule}@${p.path}`);
const errorRules = (input: unknown) => validate(input).problems.filter((p) => p.severity === "error").map((p) => p.rule);

describe("the example migration fleet", () => {
  it("validates, with the extended-support warning for blue on 1.33", () => {
    const result = validate(migrationFleet());
    expect(result.ok).toBe(true);
    expect(rules(result.problems)).toEqual(["warning:eks-version-extended-support@baton:fleet.clusters.blue.version"]);
  });

  it("fills documented defaults", () => {
    const result = validate(migrationFleet());
    if (!result.ok) throw new Error("expected valid");
    const group = result.fleet.clusters.blue!.nodeGroups.general!;
    expect(group.capacityType).toBe("ON_DEMAND");
    expect(group.amiType).toBe("AL2023_x86_64_STANDARD");
    expect(group.allowPodsToReachInstanceMetadata).toBe(false);
    expect(result.fleet.clusters.blue!.supportType).toBe("EXTENDED");
  });
});

describe("shape", () => {
  it("rejects an unknown key with a did-you-mean and the path", () => {
    const result = validate(edit(migrationFleet(), (f) => { f.clusters.green.versoin = f.clusters.green.version; delete f.clusters.green.version; }));
    const unknown = result.problems.find((p) => p.rule === "unknown-key")!;
    expect(unknown.path).toBe("baton:fleet.clusters.green.versoin");
    expect(unknown.message).toContain('did you mean "version"');
    expect(unknown.fix).toBe('Rename it to "version".');
    // One mistake, one problem: the missing "version" is the rename's fix, not a second error.
    expect(result.problems.filter((p) => p.rule === "required")).toEqual([]);
  });

  it("checks every rule on what parsed: an unquoted version, a typo'd key and weight 1000 in one run", () => {
    const result = validate(edit(migrationFleet(), (f) => {
      f.clusters.blue.version = 1.3;
      f.clusters.green.nodeGroups.general.scalling = f.clusters.green.nodeGroups.general.scaling;
      delete f.clusters.green.nodeGroups.general.scaling;
      f.services.web.weights.green = 1000;
    }));
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => `${p.rule} ${p.path}`)).toEqual(expect.arrayContaining([
      "invalid-value baton:fleet.clusters.blue.version",
      "unknown-key baton:fleet.clusters.green.nodeGroups.general.scalling",
      "weights-range baton:fleet.services.web.weights.green",
    ]));
    // blue exists (it only failed to parse): it is not reported as an unknown cluster.
    expect(result.problems.map((p) => p.rule)).not.toContain("weights-unknown-cluster");
  });

  it("checks what is inside a typo'd key, reporting it at the path as written", () => {
    const result = validate(edit(migrationFleet(), (f) => {
      f.servics = f.services;
      delete f.services;
      f.servics.web.weights.green = 1000;
    }));
    expect(result.problems.map((p) => `${p.rule} ${p.path}`)).toEqual(expect.arrayContaining([
      "unknown-key baton:fleet.servics",
      "weights-range baton:fleet.servics.web.weights.green",
    ]));
  });

  it("words schema problems with the bounds or the allowed values as the fix", () => {
    const result = validate(edit(migrationFleet(), (f) => {
      f.services.web.port = 0;
      f.clusters.blue.supportType = "extended";
    }));
    const port = result.problems.find((p) => p.path === "baton:fleet.services.web.port")!;
    expect(port.message).toBe("port must be a whole number from 1 to 65535; got 0.");
    expect(port.fix).toBe("Use a whole number from 1 to 65535.");
    const support = result.problems.find((p) => p.path === "baton:fleet.clusters.blue.supportType")!;
    expect(support.fix).toContain('Did you mean "EXTENDED"?');
    for (const problem of result.problems) expect(problem.message).not.toMatch(/Too small|Invalid input|expected number/);
  });

  it("offers no suggestion when nothing is close", () => {
    const result = validate(edit(migrationFleet(), (f) => { f.services.web.zzzzzzzz = 1; }));
    const unknown = result.problems.find((p) => p.rule === "unknown-key")!;
    expect(unknown.message).not.toContain("did you mean");
  });

  it("tells a user to quote a version YAML read as a number", () => {
    const result = validate(edit(migrationFleet(), (f) => { f.clusters.green.version = 1.3; }));
    const problem = result.problems.find((p) => p.path === "baton:fleet.clusters.green.version")!;
    expect(problem.value).toBe(1.3);
    expect(problem.message).toMatch(/number 1\.3/);
    expect(problem.fix).toContain('version: "1.30"');
  });

  it("reports a missing baton:fleet key", () => {
    expect(rules(validate(undefined).problems)).toEqual(["error:required@baton:fleet"]);
  });

  it("still checks the clusters that parse when another part is broken (all problems at once)", () => {
    const input = edit(migrationFleet(), (f) => {
      f.network.vpcId = "not-a-vpc";
      f.clusters.blue.nodeGroups.general.scaling = { min: 5, desired: 2, max: 12 };
    });
    expect(errorRules(input)).toEqual(expect.arrayContaining(["invalid-value", "nodegroup-scaling-order"]));
  });
});

describe("versions", () => {
  it("errors on a version EKS does not offer, and past the end of extended support", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.green.version = "1.40"; }))).toContain("eks-version-supported");
    const ended = validate(edit(migrationFleet(), (f) => { f.clusters.blue.version = "1.30"; }));
    expect(ended.problems.find((p) => p.rule === "eks-version-supported")?.message).toContain("2026-07-23");
  });

  it("judges support on the given date", () => {
    const early = validateFleet(migrationFleet(), { today: "2026-05-01" });
    expect(early.problems).toEqual([]);
  });
});

describe("node groups", () => {
  it("refuses a node group newer than its control plane, and more than 3 minors older", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.version = "1.34"; })))
      .toContain("nodegroup-version-newer-than-cluster");
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.version = "1.31"; })))
      .toContain("nodegroup-version-skew");
  });

  it("allows exactly 3 minors of skew (near miss)", () => {
    const result = validateFleet(edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.version = "1.32"; }), { today: "2026-01-30" });
    expect(result.ok).toBe(true);
  });

  it("requires exactly one updateConfig field, within bounds and not above scaling.max", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.updateConfig = { maxUnavailable: 1, maxUnavailablePercentage: 10 }; })))
      .toContain("nodegroup-update-config-one-field");
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.updateConfig = {}; })))
      .toContain("nodegroup-update-config-one-field");
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.updateConfig = { maxUnavailable: 13 }; })))
      .toContain("nodegroup-update-config-above-max");
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.updateConfig = { maxUnavailablePercentage: 101 }; })))
      .toContain("invalid-value");
    expect(validate(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.updateConfig = { maxUnavailable: 12 }; })).ok).toBe(true);
  });

  it("requires 0 ≤ min ≤ desired ≤ max and max ≥ 1", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.scaling = { min: 0, desired: 13, max: 12 }; })))
      .toContain("nodegroup-scaling-order");
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.scaling = { min: 0, desired: 0, max: 0 }; })))
      .toContain("invalid-value");
    expect(validate(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.scaling = { min: 12, desired: 12, max: 12 }; })).ok).toBe(true);
  });

  it("refuses Graviton instance types on an x86_64 AMI and the reverse", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.instanceTypes = ["m7g.large"]; })))
      .toContain("nodegroup-ami-architecture");
    expect(validate(edit(migrationFleet(), (f) => {
      f.clusters.blue.nodeGroups.general.instanceTypes = ["m7g.large", "c7gn.xlarge"];
      f.clusters.blue.nodeGroups.general.amiType = "AL2023_ARM_64_STANDARD";
    })).ok).toBe(true);
  });
});

describe("clusters", () => {
  it("requires api, audit and authenticator logs", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.logging = ["api", "scheduler"]; }))).toContain("cluster-audit-logging");
    expect(validate(edit(migrationFleet(), (f) => { f.clusters.blue.logging = ["api", "audit", "authenticator"]; })).ok).toBe(true);
  });

  it("refuses a public endpoint open to the internet, allows named CIDRs", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.publicAccessCidrs = ["0.0.0.0/0"]; }))).toContain("cluster-public-endpoint-open");
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.publicAccessCidrs = ["10.0.0.0/33"]; }))).toContain("cluster-public-endpoint-cidr");
    expect(validate(edit(migrationFleet(), (f) => { f.clusters.blue.publicAccessCidrs = ["203.0.113.0/24"]; })).ok).toBe(true);
  });
});

describe("weights", () => {
  it("requires integers within the routing's AWS range", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 1000, green: 0 }; }))).toContain("weights-range");
    expect(validate(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 999, green: 0 }; })).ok).toBe(true);
    expect(errorRules(edit(migrationFleet(), (f) => { f.services.api.weights = { blue: 256, green: 0 }; }))).toContain("weights-range");
    expect(validate(edit(migrationFleet(), (f) => { f.services.api.weights = { blue: 255, green: 0 }; })).ok).toBe(true);
    expect(errorRules(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 50.5, green: 0 }; }))).toContain("weights-range");
    expect(errorRules(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: -1, green: 10 }; }))).toContain("weights-range");
  });

  it("requires every weight to name a cluster of the fleet, with the closest cluster as a did-you-mean", () => {
    const result = validate(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 90, gren: 10 }; }));
    const problem = result.problems.find((p) => p.rule === "weights-unknown-cluster");
    expect(problem?.path).toBe("baton:fleet.services.web.weights.gren");
    expect(problem?.fix).toMatch(/^Did you mean "green"\?/);
    // Nothing close: no guess.
    expect(validate(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 90, purple: 10 }; })).problems.find((p) => p.rule === "weights-unknown-cluster")?.fix).not.toContain("Did you mean");
    // The misspelt weight is the one error on a Route53 service: no missing alias target is asked of a cluster that does not exist.
    expect(errorRules(edit(migrationFleet(), (f) => { f.services.api.weights = { blue: 90, gren: 10 }; }))).toEqual(["weights-unknown-cluster"]);
  });

  it("requires at least one non-zero weight", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.services.web.weights = { blue: 0, green: 0 }; }))).toContain("weights-all-zero");
  });

  it("allows at most 5 target groups on an ALB forward action", () => {
    const input = edit(migrationFleet(), (f) => {
      for (const c of ["c1", "c2", "c3", "c4"]) f.clusters[c] = structuredClone(f.clusters.green);
      f.services.web.weights = { blue: 1, green: 1, c1: 1, c2: 1, c3: 1 };
    });
    expect(validate(input).ok).toBe(true);
    expect(errorRules(edit(input, (f) => { f.services.web.weights.c4 = 0; }))).toContain("alb-target-group-limit");
  });

  it("requires a weighted cluster to have schedulable capacity", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.retiring = true; }))).toContain("weighted-cluster-capacity");
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.green.nodeGroups.general.scaling = { min: 0, desired: 0, max: 3 }; })))
      .toContain("weighted-cluster-capacity");
    // A cluster at weight 0 everywhere is not refused for traffic, but still needs a home for its system pods.
    expect(errorRules(edit(migrationFleet(), (f) => {
      f.services.web.weights = { blue: 100, green: 0 };
      f.clusters.green.nodeGroups.general.scaling = { min: 0, desired: 0, max: 3 };
    }))).toEqual(["cluster-no-schedulable-home"]);
  });

  it("requires every cluster to keep a node group CoreDNS and the controller can run on", () => {
    const home = (change: (f: RawConfig) => void) => errorRules(edit(migrationFleet(), (f) => {
      f.services.web.weights = { blue: 100, green: 0 };
      change(f);
    }));
    expect(home((f) => { f.clusters.green.nodeGroups.general.retiring = true; })).toEqual(["cluster-no-schedulable-home"]);
    expect(home((f) => { f.clusters.green.nodeGroups.general.taints = [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }]; })).toEqual(["cluster-no-schedulable-home"]);
    expect(home((f) => { f.clusters.green.nodeGroups.general.taints = [{ key: "dedicated", effect: "NoExecute" }]; })).toEqual(["cluster-no-schedulable-home"]);
    // Near misses: PreferNoSchedule only discourages; one good group among retiring ones is enough.
    expect(home((f) => { f.clusters.green.nodeGroups.general.taints = [{ key: "dedicated", effect: "PreferNoSchedule" }]; })).toEqual([]);
    expect(home((f) => {
      f.clusters.green.nodeGroups.general.retiring = true;
      f.clusters.green.nodeGroups.next = { instanceTypes: ["m7i.large"], scaling: { min: 1, desired: 1, max: 3 } };
    })).toEqual([]);
  });

  it("requires a Route53 target for every weighted cluster, and only for clusters of the fleet", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { delete f.services.api.route53.targets.blue; }))).toContain("route53-target-missing");
    expect(validate(edit(migrationFleet(), (f) => { delete f.services.api.route53.targets.green; })).ok).toBe(true);
    expect(errorRules(edit(migrationFleet(), (f) => { f.services.api.route53.targets.purple = f.services.api.route53.targets.blue; })))
      .toContain("route53-target-unknown-cluster");
  });

  it("refuses two services on one listener at one priority", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.services.shop = structuredClone(f.services.web); }))).toContain("alb-priority-unique");
  });
});

describe("names", () => {
  it("refuses names whose derived AWS names exceed their limits", () => {
    const input = edit(migrationFleet(), (f) => {
      f.name = "shopfront-prod";
      f.services["checkout-payments"] = structuredClone(f.services.web);
      f.services["checkout-payments"].alb.priority = 11;
    });
    const problem = validate(input).problems.find((p) => p.rule === "name-length")!;
    expect(problem.path).toBe("baton:fleet.services.checkout-payments");
    expect(problem.message).toMatch(/target group name .* AWS allows 32/);
  });

  it("refuses names that are not DNS labels", () => {
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.Blue_2 = f.clusters.blue; }))).toContain("invalid-value");
  });
});

describe("reaching the clusters' API from where pulumi up runs", () => {
  const privateFleet = () => edit(migrationFleet(), (f) => { delete f.network.apiAccess; });

  it("refuses a private cluster an ALB service weights when network.apiAccess names no source, with the fix", () => {
    const problems = validate(privateFleet()).problems.filter((p) => p.rule === "cluster-api-unreachable");
    expect(problems.map((p) => p.path)).toEqual(["baton:fleet.clusters.blue", "baton:fleet.clusters.green"]);
    expect(problems[0]!.message).toContain("TargetGroupBinding of web");
    expect(problems[0]!.fix).toContain("network.apiAccess.securityGroupIds");
  });

  it("accepts a security group, a CIDR, or the cluster's own public endpoint", () => {
    expect(validate(edit(privateFleet(), (f) => { f.network.apiAccess = { securityGroupIds: ["sg-0c1d2e3f4a5b67890"] }; })).ok).toBe(true);
    expect(validate(edit(privateFleet(), (f) => { f.network.apiAccess = { cidrs: ["10.20.0.0/16"] }; })).ok).toBe(true);
    expect(errorRules(edit(privateFleet(), (f) => { f.clusters.blue.publicAccessCidrs = ["203.0.113.0/24"]; })))
      .toEqual(["cluster-api-unreachable"]); // green is still unreachable
  });

  it("does not count an open or malformed CIDR as a way in", () => {
    expect(errorRules(edit(privateFleet(), (f) => { f.network.apiAccess = { cidrs: ["0.0.0.0/0"] }; })))
      .toEqual(["api-access-open", "cluster-api-unreachable", "cluster-api-unreachable"]);
    expect(errorRules(edit(privateFleet(), (f) => { f.network.apiAccess = { cidrs: ["10.0.0.0"] }; })))
      .toEqual(["api-access-cidr", "cluster-api-unreachable", "cluster-api-unreachable"]);
  });

  it("leaves alone a cluster baton creates nothing inside (Route53 services only)", () => {
    const dnsOnly = edit(privateFleet(), (f) => { delete f.services.web; });
    expect(validate(dnsOnly).ok).toBe(true);
  });
});

describe("placeholders left to fill in", () => {
  const withPlaceholder = (dnsName: string) => edit(migrationFleet(), (f) => { f.services.api.route53.targets.green.dnsName = dnsName; });

  it("refuses the Route53 target upgrade-plan writes, with the path and what to fill in", () => {
    const result = validate(withPlaceholder("replace-with-green-load-balancer.invalid"));
    expect(result.ok).toBe(false);
    const problem = result.problems.find((p) => p.rule === "placeholder-value")!;
    expect(problem).toMatchObject({ severity: "error", path: "baton:fleet.services.api.route53.targets.green.dnsName", value: "replace-with-green-load-balancer.invalid" });
    expect(problem.fix).toContain("DNS name of cluster green's load balancer for service api");
  });

  it("refuses any name under .invalid or starting replace-with-, wherever it is written, and nothing else", () => {
    expect(errorRules(withPlaceholder("web.example.invalid"))).toEqual(["placeholder-value"]);
    expect(errorRules(withPlaceholder("web.example.INVALID."))).toEqual(["placeholder-value"]);
    expect(errorRules(edit(migrationFleet(), (f) => { f.clusters.blue.nodeGroups.general.labels = { owner: "replace-with-team" }; }))).toEqual(["placeholder-value"]);
    // Near misses: real names that merely contain the words.
    expect(errorRules(withPlaceholder("invalid.example.com"))).toEqual([]);
    expect(errorRules(withPlaceholder("k8s-invalidation-0123456789.us-east-1.elb.amazonaws.com"))).toEqual([]);
  });

  it("is refused by plan even when the deployed config has the same placeholder: a placeholder is never the current state", () => {
    const deployed = withPlaceholder("replace-with-green-load-balancer.invalid");
    const result = validateFleet(deployed, { today: TODAY, deployed });
    expect(result.problems.filter((p) => p.rule === "placeholder-value")).toEqual([expect.objectContaining({ severity: "error" })]);
  });
});

describe("a misspelt baton:fleet key", () => {
  it("is named with the key it most likely meant", async () => {
    const { parseStackConfig, misspeltFleetKeyProblem } = await import("../../src/fleet/stack-config.js");
    const config = parseStackConfig("config:\n  aws:region: us-east-1\n  baton:flet:\n    name: shop\n", "Pulumi.shop.yaml");
    expect(config.fleet).toBeUndefined();
    expect(misspeltFleetKeyProblem(config)).toMatchObject({ rule: "unknown-key", path: "config.baton:flet", fix: 'Did you mean "baton:fleet"? Rename the key.' });
    expect(misspeltFleetKeyProblem(parseStackConfig("config:\n  aws:region: us-east-1\n", "Pulumi.shop.yaml"))).toBeUndefined();
  });
});
