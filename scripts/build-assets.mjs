// Builds app/static/build/ from app/static/src/ and the govuk-frontend package.
// Brand-neutral: no GDS Transport font, no crown or GOV.UK logotype is copied.
import { mkdirSync, copyFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "app/static/src");
const out = join(root, "app/static/build");
const govuk = join(root, "node_modules/govuk-frontend/dist/govuk");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(src, "app.scss"), {
  style: "compressed",
  loadPaths: [join(root, "node_modules")],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "app.css"), css.css);
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
for (const name of ["app.js", "print.css", "favicon.svg"]) copyFileSync(join(src, name), join(out, name));
console.log(`assets built in ${out}`);
