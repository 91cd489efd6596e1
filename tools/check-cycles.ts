/**
 * Import cycles among the modules of a source folder (default src/): every relative `import`,
 * `export ... from`, dynamic `import()` and `require("...")` with a literal path, type-only imports
 * included (a type cycle is still two modules that cannot be understood apart). Prints each cycle
 * (strongly connected component of the import graph) with one example loop, and exits 1 if any.
 *
 *   npx tsx tools/check-cycles.ts [folder]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/** Relative module specifiers a file imports, in source order. */
export function importSpecifiers(file: string, text = fs.readFileSync(file, "utf8")): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) out.push(node.moduleSpecifier.text);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) out.push(node.moduleReference.expression.text);
    else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) out.push((node.arguments[0] as ts.StringLiteral).text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) out.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith("."));
}

/** The .ts file a relative specifier names (`./x` -> x.ts or x/index.ts), or null (json, .cjs, missing). */
function resolve(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const f of [base, `${base}.ts`, path.join(base, "index.ts")]) if (f.endsWith(".ts") && fs.existsSync(f) && fs.statSync(f).isFile()) return f;
  return null;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** The import graph of the .ts files under `root`: file -> files it imports. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of sourceFiles(path.resolve(root))) graph.set(f, [...new Set(importSpecifiers(f).map((s) => resolve(f, s)).filter((x): x is string => x !== null))]);
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself (Tarjan). */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>(), stack: string[] = [];
  const components: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(comp.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strong(v);
  return components;
}

/** One loop through a component, starting and ending at its first module (breadth-first, so a shortest one). */
export function exampleLoop(graph: Map<string, string[]>, component: string[]): string[] {
  const inComp = new Set(component), start = component[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const loop = [v];
        for (let u = v; u !== start; ) loop.unshift((u = prev.get(u)!));
        return [...loop, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

if (require.main === module) {
  const root = process.argv[2] ?? "src";
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    process.stderr.write(`check-cycles: ${root}: expected a source folder, found ${fs.existsSync(root) ? "a file" : "nothing"}\n`);
    process.exit(2);
  }
  const graph = importGraph(root);
  const cycles = findCycles(graph);
  const rel = (f: string) => path.relative(process.cwd(), f);
  for (const c of cycles) process.stdout.write(`cycle of ${c.length} module(s): ${c.map(rel).join(", ")}\n  e.g. ${exampleLoop(graph, c).map(rel).join(" -> ")}\n`);
  process.stdout.write(`${graph.size} modules under ${root}: ${cycles.length} import cycle(s)\n`);
  process.exit(cycles.length ? 1 : 0);
}
