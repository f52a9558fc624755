// Measures the shape of the production TypeScript under src/: file and function sizes, comment
// share, TSDoc share of exported functions, and import cycles (strongly connected components).
// Usage: npx tsx scripts/code-shape.ts [dir]   (default: src)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return /\.ts$/.test(name) && !/\.(test|d)\.ts$/.test(name) ? [path] : [];
  });
}

function quantiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `median ${at(0.5)} / p90 ${at(0.9)} / max ${sorted.at(-1) ?? 0}`;
}

const files = tsFiles(root);
const fileLines: number[] = [];
const fileSizes: { name: string; lines: number }[] = [];
const functionLines: { name: string; lines: number }[] = [];
let commentLines = 0;
let nonBlankLines = 0;
let exportedFunctions = 0;
let documentedFunctions = 0;
const edges = new Map<string, Set<string>>();

for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lines = text.split('\n');
  fileLines.push(lines.length);
  fileSizes.push({ name: relative(root, file), lines: lines.length });
  nonBlankLines += lines.filter((line) => line.trim() !== '').length;
  commentLines += countCommentLines(text);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
  const span = (node: ts.Node) => lineOf(node.getEnd()) - lineOf(node.getStart()) + 1;
  const targets = new Set<string>();
  edges.set(file, targets);

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) {
      const spec = node.moduleSpecifier;
      if (spec && ts.isStringLiteral(spec) && spec.text.startsWith('.')) {
        targets.add(resolve(dirname(file), spec.text.replace(/\.js$/, '.ts')));
      }
    }
    const fn = functionOf(node);
    if (fn) {
      functionLines.push({ name: `${relative(root, file)}#${fn.name}`, lines: span(node) });
      if (fn.exported) {
        exportedFunctions++;
        if (ts.getJSDocCommentsAndTags(fn.docNode).length > 0) documentedFunctions++;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

function functionOf(node: ts.Node): { name: string; exported: boolean; docNode: ts.Node } | null {
  const exported = (n: ts.Node) =>
    ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  if (ts.isFunctionDeclaration(node))
    return { name: node.name?.text ?? 'default', exported: exported(node), docNode: node };
  if (ts.isMethodDeclaration(node) && ts.isIdentifier(node.name))
    return { name: node.name.text, exported: false, docNode: node };
  if (
    ts.isVariableDeclaration(node) &&
    ts.isIdentifier(node.name) &&
    node.initializer &&
    (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
  ) {
    const statement = node.parent.parent;
    return { name: node.name.text, exported: exported(statement), docNode: statement };
  }
  if (
    ts.isPropertyAssignment(node) &&
    ts.isIdentifier(node.name) &&
    (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer))
  ) {
    return { name: node.name.text, exported: false, docNode: node };
  }
  return null;
}

function countCommentLines(text: string): number {
  let count = 0;
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.SingleLineCommentTrivia) count++;
    if (kind === ts.SyntaxKind.MultiLineCommentTrivia) count += scanner.getTokenText().split('\n').length;
  }
  return count;
}

/** Tarjan's algorithm over the relative-import graph; returns components of more than one file. */
function cycles(): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!indices.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(root, member));
      } while (member !== node);
      if (component.length > 1) found.push(component);
    }
  };
  for (const node of edges.keys()) if (!indices.has(node)) connect(node);
  return found;
}

const longest = [...functionLines].sort((a, b) => b.lines - a.lines).slice(0, 5);
console.log(`files: ${files.length}, lines: ${fileLines.reduce((a, b) => a + b, 0)}`);
console.log(`file lines: ${quantiles(fileLines)}`);
console.log(
  `largest: ${[...fileSizes]
    .sort((a, b) => b.lines - a.lines)
    .slice(0, 5)
    .map((f) => `${f.name} (${f.lines})`)
    .join(', ')}`,
);
console.log(
  `function lines: ${quantiles(functionLines.map((f) => f.lines))}; over 60: ${functionLines.filter((f) => f.lines > 60).length} of ${functionLines.length}`,
);
console.log(`longest: ${longest.map((f) => `${f.name} (${f.lines})`).join(', ')}`);
console.log(`comment lines: ${((100 * commentLines) / nonBlankLines).toFixed(1)} % of non-blank lines`);
console.log(
  `exported functions with TSDoc: ${documentedFunctions}/${exportedFunctions} (${((100 * documentedFunctions) / exportedFunctions).toFixed(0)} %)`,
);
const found = cycles();
console.log(
  `import cycles (type imports included): ${found.length}${found.map((c) => `\n  ${c.join(' → ')}`).join('')}`,
);
