// @vitest-environment node
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";

import { initialJsSize, initialScripts } from "./check-bundle-size.mjs";

let dist: string | undefined;
afterEach(() => {
  if (dist) rmSync(dist, { recursive: true, force: true });
  dist = undefined;
});

describe("the first-load budget check", () => {
  it("counts the module scripts and modulepreloads index.html loads, not lazy chunks or CSS", () => {
    const html = `<!doctype html><html><head>
      <script type="module" crossorigin src="/assets/index-abc.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-def.js">
      <link rel="stylesheet" href="/assets/index-123.css">
      <script src="https://cdn.example.org/x.js"></script>
    </head><body></body></html>`;
    expect(initialScripts(html)).toEqual(["/assets/index-abc.js", "/assets/vendor-def.js"]);
  });

  it("sums their gzip sizes from the build", () => {
    dist = mkdtempSync(join(tmpdir(), "dist-"));
    mkdirSync(join(dist, "assets"));
    const index = "console.log('index');".repeat(50);
    const vendor = Array.from({ length: 2000 }, (_, i) => `var v${i}=${i * 7919};`).join("");
    writeFileSync(join(dist, "assets", "index-abc.js"), index);
    writeFileSync(join(dist, "assets", "vendor-def.js"), vendor);
    writeFileSync(join(dist, "assets", "charts-lazy.js"), "x".repeat(1_000_000));
    writeFileSync(
      join(dist, "index.html"),
      '<script type="module" src="/assets/index-abc.js"></script><link rel="modulepreload" href="/assets/vendor-def.js">',
    );
    const { files, total } = initialJsSize(dist);
    expect(files.map((f) => f.url)).toEqual(["/assets/index-abc.js", "/assets/vendor-def.js"]);
    expect(total).toBe(gzipSync(index, { level: 9 }).length + gzipSync(vendor, { level: 9 }).length);
  });
});
