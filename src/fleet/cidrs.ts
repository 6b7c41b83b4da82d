/**
 * CIDR blocks judged as address ranges, not as strings: `1.2.3.4/0`, `00.0.0.0/0` and the pair
 * `0.0.0.0/1` + `128.0.0.0/1` all open an endpoint to the whole internet. Parsing is ipaddr.js's;
 * the rules (how much of the internet a public set may cover) are baton's.
 */
import ipaddr from "ipaddr.js";

/** The most addresses a set of public-access CIDRs may cover together: one /8. */
export const MAX_PUBLIC_ADDRESSES = 2 ** 24;
const IPV4_ADDRESSES = 2 ** 32;

export type ParsedCidr =
  | {
      readonly ok: true;
      readonly family: "ipv4" | "ipv6";
      /** Network address and prefix length, e.g. `0.0.0.0/0` for `1.2.3.4/0`. */
      readonly canonical: string;
      readonly prefix: number;
      /** False when the text is not the canonical form (host bits set, leading zeros, another notation). */
      readonly exact: boolean;
      /** IPv4 only: the first address as a number, and how many addresses the block holds. */
      readonly start: number;
      readonly size: number;
    }
  | { readonly ok: false; readonly reason: string };

/** Parses one CIDR block (IPv4 or IPv6) into its canonical network form. */
export function parseCidr(text: string): ParsedCidr {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return { ok: false, reason: "a CIDR block is an address, a slash and a prefix length, like 203.0.113.0/24" };
  const [, address = "", prefixText = ""] = match;
  const prefix = Number(prefixText);
  if (ipaddr.IPv6.isValid(address)) {
    if (prefix > 128) return { ok: false, reason: `an IPv6 prefix length is 0–128, got ${prefix}` };
    const canonical = `${ipaddr.IPv6.networkAddressFromCIDR(`${address}/${prefix}`).toString()}/${prefix}`;
    return { ok: true, family: "ipv6", canonical, prefix, exact: canonical === text, start: 0, size: 0 };
  }
  // ipaddr.js reads the shorthands inet_aton accepts (octal, hex, fewer parts); AWS documents dotted decimal only.
  if (!ipaddr.IPv4.isValid(address)) return { ok: false, reason: `"${address}" is not an IPv4 or IPv6 address` };
  if (prefix > 32) return { ok: false, reason: `an IPv4 prefix length is 0–32, got ${prefix}` };
  const network = ipaddr.IPv4.networkAddressFromCIDR(`${ipaddr.IPv4.parse(address).toString()}/${prefix}`);
  const start = network.toByteArray().reduce((n, byte) => n * 256 + byte, 0);
  const canonical = `${network.toString()}/${prefix}`;
  return { ok: true, family: "ipv4", canonical, prefix, exact: canonical === text, start, size: 2 ** (32 - prefix) };
}

/** A block that admits every address of its family (`0.0.0.0/0`, `::/0`, however it is spelt). */
export function isOpenCidr(text: string): boolean {
  const parsed = parseCidr(text);
  return parsed.ok && parsed.prefix === 0;
}

/** How many IPv4 addresses the blocks cover together (overlaps counted once). */
export function ipv4Coverage(blocks: ReadonlyArray<{ readonly start: number; readonly size: number }>): number {
  const ranges = blocks.map((b) => [b.start, b.start + b.size] as const).sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let end = -1;
  for (const [from, to] of ranges) {
    if (to <= end) continue;
    covered += to - Math.max(from, end);
    end = to;
  }
  return covered;
}

/** Whether a coverage is the whole IPv4 internet. */
export const coversWholeInternet = (addresses: number) => addresses >= IPV4_ADDRESSES;
