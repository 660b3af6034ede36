/**
 * `deno task build:npm`: writes dist/npm/, the package an npm-style
 * registry would publish for Node and Bun. `deno bundle` emits ES modules
 * (mod.js, cli/main.js and the chunk they share, with @noble inlined) and
 * their `.d.ts`; this script adds the package.json (exports, the CLI as a
 * `bin`) and the CLI's Node prelude (deno_globals.js), and writes the
 * examples that run on every runtime to examples/ as JavaScript.
 *
 * ```sh
 * deno task build:npm && node -e 'import("./dist/npm/mod.js").then((z) => console.log(z.version))'
 * ```
 *
 * @module
 */

const root = new URL("../", import.meta.url);

async function run(args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: root.pathname,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`deno ${args.join(" ")} failed:\n${new TextDecoder().decode(stderr)}`);
  }
}

/** The examples in examples/ that Node 20 and Bun run as they are (the others use `Deno.serve` or `using`). */
const portableExamples = [
  "hello",
  "weather",
  "pipeline",
  "broker",
  "lbreq",
  "devices",
  "config",
  "telemetry",
];

/**
 * Writes examples/<name>/*.js into the package: each example with its
 * types stripped and its import of mod.ts turned into an import of the
 * package by name (Node and Bun resolve a package's own name inside it).
 */
async function writeExamples(out: URL, packageName: string): Promise<void> {
  for (const name of portableExamples) {
    const sources: string[] = [];
    for await (const entry of Deno.readDir(new URL(`examples/${name}/`, root))) {
      if (entry.isFile && entry.name.endsWith(".ts")) {
        sources.push(`examples/${name}/${entry.name}`);
      }
    }
    const dir = new URL(`examples/${name}/`, out);
    await run([
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--inline-imports=false",
      "--outdir",
      dir.pathname,
      ...sources,
    ]);
    for (const source of sources) {
      const file = new URL(source.replace(/\.ts$/, ".js"), out);
      const code = (await Deno.readTextFile(file))
        .replaceAll('from "../../mod.ts"', `from "${packageName}"`)
        .replace(/(from "\.[^"]*)\.ts"/g, '$1.js"');
      // The bundler drops comments: keep the source's opening one, which says how to run it.
      const usage = (await Deno.readTextFile(new URL(source, root))).match(/^\/\*\*[\s\S]*?\*\/\n/);
      await Deno.writeTextFile(
        file,
        `// ${source}, built by \`deno task build:npm\`.\n${usage?.[0] ?? ""}${code}`,
      );
    }
  }
}

/**
 * Builds the package into `dir` (dist/npm/ by default) and returns its
 * path. Tests skip the declarations (type-checking takes half a minute).
 */
export async function buildNpm(
  dir = new URL("dist/npm/", root).pathname,
  { declarations = true } = {},
): Promise<string> {
  const out = new URL(`file://${dir.endsWith("/") ? dir : dir + "/"}`);
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await run([
    "bundle",
    "--quiet",
    "--platform",
    "deno",
    "--code-splitting",
    ...(declarations ? ["--declaration"] : []),
    "--outdir",
    out.pathname,
    "mod.ts",
    "cli/main.ts",
  ]);
  if (declarations) {
    // The bundler writes every declaration file at the top: move the CLI's beside its module.
    await Deno.rename(new URL("main.d.ts", out), new URL("cli/main.d.ts", out));
  }
  const cli = new URL("cli/main.js", out);
  const cliCode = await Deno.readTextFile(cli);
  await Deno.writeTextFile(
    cli,
    // Run as a `bin`, the CLI is always the main module (Node has no import.meta.main).
    `#!/usr/bin/env node\nimport "../deno_globals.js";\n${
      cliCode.replace(/^#!.*\n/, "").replaceAll("import.meta.main", "true")
    }`,
  );
  await Deno.chmod(cli, 0o755);
  await Deno.copyFile(new URL("npm/deno_globals.js", root), new URL("deno_globals.js", out));
  for (const file of ["README.md", "LICENSE"]) {
    await Deno.copyFile(new URL(file, root), new URL(file, out));
  }
  const config = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  await writeExamples(out, config.name);
  const manifest = {
    name: config.name,
    version: config.version,
    description: "ZeroMQ in pure TypeScript: ZMTP 3.1, every socket type, CURVE; no native addon",
    license: config.license,
    type: "module",
    main: "./mod.js",
    types: "./mod.d.ts",
    exports: {
      ".": { types: "./mod.d.ts", import: "./mod.js" },
    },
    bin: { zmtp: "./cli/main.js" },
    engines: { node: ">=20.16" },
    sideEffects: false,
  };
  await Deno.writeTextFile(new URL("package.json", out), JSON.stringify(manifest, null, 2) + "\n");
  return out.pathname;
}

if (import.meta.main) console.log(`wrote ${await buildNpm()}`);
