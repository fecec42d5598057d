// Builds the console: node build.mjs OUTDIR -> OUTDIR/index.html + OUTDIR/assets/app-HASH.{js,css}.
// index.html names its assets by relative URLs because localray serves it at /_localray/.
import * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
if (!process.argv[2]) {
  console.error("usage: node build.mjs OUTDIR");
  process.exit(2);
}
const outDir = resolve(process.argv[2]);

const result = await esbuild.build({
  absWorkingDir: here,
  entryPoints: { app: join(here, "src/main.js") },
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  platform: "browser",
  outdir: "out", // nothing is written (write: false); names the outputs only
  write: false,
  legalComments: "eof",
  metafile: true,
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
});

const hashed = {};
await rm(join(outDir, "assets"), { recursive: true, force: true });
await mkdir(join(outDir, "assets"), { recursive: true });
for (const file of result.outputFiles) {
  const ext = file.path.endsWith(".css") ? "css" : file.path.endsWith(".js") ? "js" : null;
  if (!ext) throw new Error(`unexpected esbuild output ${file.path}`);
  const hash = createHash("sha256").update(file.contents).digest("hex").slice(0, 10).toUpperCase();
  hashed[ext] = `assets/app-${hash}.${ext}`;
  await writeFile(join(outDir, hashed[ext]), file.contents);
}
if (!hashed.js || !hashed.css) throw new Error("the bundle needs one JS and one CSS file");

// The licences of every npm package that ends up in the bundle, shipped beside it.
const packages = new Set();
const legal = [];  // notices a package's own bundle points to (what it bundled in turn)
for (const input of Object.keys(result.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (!m) continue;
  packages.add(m[1]);
  const text = await readFile(join(here, input + ".LEGAL.txt"), "utf8").catch(() => null);
  if (text) legal.push(`\n==== notices of ${input.replace(/^.*node_modules\//, "")} ====\n\n${text.trim()}\n`);
}
let notices = "Third-party software bundled in the localray console\n";
for (const name of [...packages].sort()) {
  const dir = join(here, "node_modules", name);
  const meta = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
  const file = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  if (!file) throw new Error(`${name} ships no licence file`);
  notices += `\n==== ${name} ${meta.version} (${meta.license}) ====\n\n` + (await readFile(join(dir, file), "utf8")).trim() + "\n";
}
await writeFile(join(outDir, "THIRD-PARTY-LICENSES.txt"), notices + legal.join(""));

const template = await readFile(join(here, "src/index.html"), "utf8");
const html = template.replace("%APP_CSS%", hashed.css).replace("%APP_JS%", hashed.js);
await writeFile(join(outDir, "index.html"), html);
for (const [ext, name] of Object.entries(hashed)) console.log(`${name}  ${(result.outputFiles.find((f) => f.path.endsWith("." + ext)).contents.length / 1024).toFixed(1)} KiB`);
console.log(`console written to ${outDir}`);
