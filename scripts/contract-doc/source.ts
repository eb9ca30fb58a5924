/** Reading the contract's source: which file each method comes from, the JSDoc above it, what each error code means. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { errorCodes } from '../../shared/contract/errors';
import { en } from '../../shared/i18n/en';

/** The repository. */
export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Entry {
  name: string;
  description: string;
}

export interface ContractFile {
  feature: string;
  /** Relative to the repository, with forward slashes. */
  path: string;
  entries: Entry[];
}

export function sourceOf(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.Latest, true);
}

/** The JSDoc text above a node, on one line. */
function jsDocOf(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return docs
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The object literal an exported `const name = { … } as const` holds. */
export function objectLiteral(source: ts.SourceFile, name: string): ts.ObjectLiteralExpression | null {
  let found: ts.ObjectLiteralExpression | null = null;
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name && node.initializer) {
      let init: ts.Expression = node.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init)) init = init.expression;
      if (ts.isObjectLiteralExpression(init)) found = init;
    }
    if (!found) ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The quoted keys of an object literal, in order, with their JSDoc. */
export function entriesOf(object: ts.ObjectLiteralExpression): Entry[] {
  return object.properties.flatMap((property) =>
    ts.isPropertyAssignment(property) && ts.isStringLiteral(property.name) ? [{ name: property.name.text, description: jsDocOf(property) }] : [],
  );
}

/** The feature contracts, in the order shared/contract/contract.ts spreads them. */
export function readContractFiles(): ContractFile[] {
  const aggregate = sourceOf('shared/contract/contract.ts');
  const importPaths = new Map<string, string>();
  for (const statement of aggregate.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const element of bindings.elements) importPaths.set(element.name.text, statement.moduleSpecifier.text);
  }
  const spread = objectLiteral(aggregate, 'contract');
  if (!spread) throw new Error('shared/contract/contract.ts: no `contract` object found');
  return spread.properties.map((property) => {
    if (!ts.isSpreadAssignment(property) || !ts.isIdentifier(property.expression)) {
      throw new Error(`shared/contract/contract.ts: expected only spreads of feature contracts, found ${property.getText()}`);
    }
    const variable = property.expression.text;
    const specifier = importPaths.get(variable);
    if (!specifier) throw new Error(`shared/contract/contract.ts: where does ${variable} come from?`);
    const path = relative(root, join(root, 'shared/contract', `${specifier}.ts`))
      .split('\\')
      .join('/');
    const object = objectLiteral(sourceOf(path), variable);
    if (!object) throw new Error(`${path}: no \`${variable}\` object found`);
    return { feature: path.split('/')[1]!, path, entries: entriesOf(object) };
  });
}

/** The JSDoc (or, without one, the English message) of each error code. */
export function errorMeanings(): Map<string, string> {
  const source = sourceOf('shared/contract/errors.ts');
  const meanings = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === 'errorCodes' && node.initializer) {
      let init: ts.Expression = node.initializer;
      while (ts.isAsExpression(init)) init = init.expression;
      if (ts.isArrayLiteralExpression(init)) {
        for (const element of init.elements) {
          if (!ts.isStringLiteral(element)) continue;
          const comments = ts.getLeadingCommentRanges(source.text, element.getFullStart()) ?? [];
          const text = comments
            .map((range) => source.text.slice(range.pos, range.end))
            .filter((comment) => comment.startsWith('/**'))
            .map((comment) => comment.replace(/^\/\*\*|\*\/$/g, '').replace(/^\s*\* ?/gm, ''))
            .join(' ')
            .replace(/\s+/g, ' ')
            .trim();
          if (text) meanings.set(element.text, text);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  const messages = en.errors as Record<string, string | undefined>;
  for (const code of errorCodes) if (!meanings.has(code) && messages[code]) meanings.set(code, `“${messages[code]}”`);
  return meanings;
}

/** Every feature contract file on disk: the test checks that the contract gathers each one. */
export function contractFilesOnDisk(): string[] {
  return readdirSync(join(root, 'shared'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(root, 'shared', entry.name))
        .filter((file) => file.endsWith('.contract.ts'))
        .map((file) => `shared/${entry.name}/${file}`),
    )
    .sort();
}
