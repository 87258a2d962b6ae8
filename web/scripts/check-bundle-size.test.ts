// @vitest-environment node
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";

import { BUDGET_BYTES, initialJsSize, initialScripts } from "./check-bundle-size.mjs";

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

  it("fails the build over the budget, and passes it under", () => {
    dist = mkdtempSync(join(tmpdir(), "dist-"));
    mkdirSync(join(dist, "assets"));
    writeFileSync(join(dist, "index.html"), '<script type="module" src="/assets/index.js"></script>');
    const script = join(import.meta.dirname, "check-bundle-size.mjs");
    // Random bytes do not compress: just over the budget once gzipped.
    writeFileSync(join(dist, "assets", "index.js"), randomBytes(BUDGET_BYTES + 1000).toString("latin1"));
    const over = spawnSync(process.execPath, [script, dist], { encoding: "utf8" });
    expect(over.status).toBe(1);
    expect(over.stderr).toContain("over budget");
    writeFileSync(join(dist, "assets", "index.js"), "console.log(1);");
    const under = spawnSync(process.execPath, [script, dist], { encoding: "utf8" });
    expect(under.status).toBe(0);
    expect(under.stdout).toContain("first-load JavaScript: 0.0 kB gzip (budget 300 kB)");
  });
});
