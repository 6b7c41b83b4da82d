import fc from "fast-check";
import { closest } from "../../src/spec/suggest.js";
describe("closest", () => {
  it("suggests", () => { expect(closest("versoin", ["version", "nodeGroups"])).toBe("version"); });
  it("prop", () => { fc.assert(fc.property(fc.string(), (s) => closest(s, []) === undefined)); });
});
