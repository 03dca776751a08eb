import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every public construct, struct, prop, method and enum member has a doc comment: it is what Construct Hub and every
 * language's API docs show. Read from the TypeScript sources with the compiler's own API (what jsii documents).
 */
const INDEX = path.join(__dirname, '..', 'src', 'index.ts');

/** Whether a TypeScript flag set holds a flag (the compiler API's flags are bit sets). */
// eslint-disable-next-line no-bitwise
const hasFlag = (flags: number, flag: number) => (flags & flag) !== 0;

function undocumented(): string[] {
  const program = ts.createProgram([INDEX], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true });
  const checker = program.getTypeChecker();
  const index = program.getSourceFile(INDEX)!;
  const missing: string[] = [];
  const documented = (symbol: ts.Symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '';

  for (let symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(index)!)) {
    if (hasFlag(symbol.flags, ts.SymbolFlags.Alias)) symbol = checker.getAliasedSymbol(symbol);
    const name = symbol.getName();
    const declaration = symbol.declarations?.[0];
    if (!declaration || ts.getJSDocTags(declaration).some(tag => tag.tagName.text === 'internal')) continue;
    if (!documented(symbol)) missing.push(name);
    const members: ts.Symbol[] = [];
    if (ts.isClassDeclaration(declaration)) {
      members.push(...checker.getPropertiesOfType(checker.getTypeOfSymbolAtLocation(symbol, declaration)));
      members.push(...checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)));
    } else if (ts.isInterfaceDeclaration(declaration) || ts.isEnumDeclaration(declaration)) {
      members.push(...(ts.isEnumDeclaration(declaration)
        ? checker.getExportsOfModule(symbol) : checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))));
    }
    for (const member of members) {
      const memberDeclaration = member.declarations?.[0];
      if (!memberDeclaration || member.getName() === 'prototype' || member.getName().startsWith('_')) continue;
      // Only what this library declares, in its own sources, and not private or protected.
      if (!memberDeclaration.getSourceFile().fileName.includes(`${path.sep}src${path.sep}`)) continue;
      const modifiers = ts.getCombinedModifierFlags(memberDeclaration);
      if (hasFlag(modifiers, ts.ModifierFlags.Private) || hasFlag(modifiers, ts.ModifierFlags.Protected)) continue;
      if (ts.getJSDocTags(memberDeclaration).some(tag => tag.tagName.text === 'internal')) continue;
      if (!documented(member)) missing.push(`${name}.${member.getName()}`);
    }
  }
  return [...new Set(missing)].sort();
}

test('every public construct, struct, property, method and enum member has a doc comment', () => {
  expect(undocumented()).toEqual([]);
});
