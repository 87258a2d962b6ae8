#!/usr/bin/env node
// The first-load budget: the JavaScript index.html loads (its module scripts and their
// modulepreloads), gzip-compressed, must stay under 300 kB. Lazy chunks (charts, map)
// are not counted: they load when a run's page needs them. Run after `vite build`.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const BUDGET_BYTES = 300_000;

/** The paths of the scripts a page loads at once: module scripts and modulepreload links. */
export function initialScripts(html) {
  const paths = new Set();
  for (const tag of html.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const isModuleScript = /^<script/i.test(tag) && /\btype=["']?module/i.test(tag);
    const isPreload = /^<link/i.test(tag) && /\brel=["']?modulepreload/i.test(tag);
    const url = tag.match(/\b(?:src|href)=["']([^"']+)["']/i)?.[1];
    if ((isModuleScript || isPreload) && url && !/^(https?:)?\/\//.test(url)) paths.add(url);
  }
  return [...paths];
}

/** Each initial script with its gzip size, and their total, for the build in `dist`. */
export function initialJsSize(dist) {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const files = initialScripts(html).map((url) => {
    const path = join(dist, url.replace(/^\//, ""));
    return { url, gzip: gzipSync(readFileSync(path), { level: 9 }).length };
  });
  return { files, total: files.reduce((sum, f) => sum + f.gzip, 0) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] ?? "dist");
  const { files, total } = initialJsSize(dist);
  for (const f of files) console.log(`${(f.gzip / 1000).toFixed(1).padStart(8)} kB  ${f.url}`);
  const verdict = `first-load JavaScript: ${(total / 1000).toFixed(1)} kB gzip (budget ${BUDGET_BYTES / 1000} kB)`;
  if (files.length === 0) {
    console.error(`no module script found in ${dist}/index.html`);
    process.exit(1);
  }
  if (total > BUDGET_BYTES) {
    console.error(`${verdict}: over budget`);
    process.exit(1);
  }
  console.log(verdict);
}
