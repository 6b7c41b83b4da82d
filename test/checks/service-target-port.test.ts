import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../../src/cli/main.js";
import { checkTexts } from "../../src/checks/check.js";
import { captureIo } from "../support/io.js";
import { yamlOf } from "./support.js";

const root = path.resolve(__dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "baton-target-port-"));
const service = (targetPort?: number | string, port = 8080) => ({
  apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "shop" },
  spec: { selector: { app: "web" }, ports: [{ port, ...(targetPort !== undefined ? { targetPort } : {}) }] },
});
const bound = [{ service: "web", namespace: "shop", name: "web", port: 8080, podPort: 8080 }];
const rulesOf = (text: string) => checkTexts([{ file: "svc.yaml", text }], "1.33", bound).findings.map((f) => f.rule);

describe("rule service-target-port", () => {
  it("passes a Service whose targetPort is the pod port the binding admits (unset targetPort is the port)", () => {
    expect(rulesOf(yamlOf(service()))).toEqual([]);
    expect(rulesOf(yamlOf(service(8080)))).toEqual([]);
  });

  it("flags a Service whose targetPort differs, or that lacks the bound port; other Services are not its business", () => {
    const [finding] = checkTexts([{ file: "svc.yaml", text: yamlOf(service("http")) }], "1.33", bound).findings;
    expect(finding).toMatchObject({ rule: "service-target-port", severity: "error", kind: "Service", name: "web", namespace: "shop" });
    expect(finding!.fix).toBe('Set services.web.targetPort to "http" in the fleet (or the Service\'s targetPort to 8080).');
    expect(rulesOf(yamlOf(service(undefined, 80)))).toEqual(["service-target-port"]);
    expect(rulesOf(yamlOf({ ...service("http"), metadata: { name: "web", namespace: "other" } }))).toEqual([]);
  });

  it("baton check --fleet checks the Services the fleet binds", async () => {
    const file = path.join(dir, "svc.yaml");
    writeFileSync(file, yamlOf(service(9090)));
    const io = captureIo("");
    const code = await main(["node", "baton", "check", file, "--fleet", path.join(root, "stacks/Pulumi.migration.yaml")], io);
    expect(code).toBe(1);
    expect(io.stdout()).toContain("service-target-port");
  });
});
