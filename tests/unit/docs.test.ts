// What a user's editor shows: every input and output of every resource class, as the installed package's
// declarations give them to the compiler, has a doc comment (nested file sources and first looks included).
// Reads node_modules/pulumi-heygen (scripts/install-self.js puts the built package there).
import { strict as assert } from "assert";
import * as path from "path";
import * as ts from "typescript";

const CLASSES = ["AvatarGroup", "PhotoLook", "PromptLook", "DigitalTwinLook", "ConsentRequest"];

describe("doc comments, as the user's editor sees them", function () {
    this.timeout(120_000);
    let checker: ts.TypeChecker;
    let exports: Map<string, ts.Symbol>;

    before(() => {
        const root = path.join(__dirname, "..", "..");
        const entry = path.join(root, "node_modules", "pulumi-heygen", "dist", "provider", "index.d.ts");
        const program = ts.createProgram([entry], { strict: true, skipLibCheck: true, noEmit: true, types: [], baseUrl: root });
        checker = program.getTypeChecker();
        const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
        exports = new Map(checker.getExportsOfModule(module).map((s) => [s.name, s]));
    });

    /** Properties of a type that pulumi-heygen declares (not the SDK's `id`, `urn`, …), with their docs. */
    function ownProperties(type: ts.Type): { name: string; doc: string }[] {
        return checker
            .getPropertiesOfType(type)
            .filter((p) => (p.getDeclarations() ?? []).some((d) => d.getSourceFile().fileName.includes("pulumi-heygen")))
            .map((p) => ({ name: p.name, doc: ts.displayPartsToString(p.getDocumentationComment(checker)).trim() }));
    }

    /** An exported type's object members: for a union, each member's (file sources, first looks). */
    function membersOf(name: string): ts.Type[] {
        const sym = exports.get(name);
        assert.ok(sym, `${name} is exported`);
        const type = checker.getDeclaredTypeOfSymbol(sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym);
        return type.isUnion() ? type.types : [type];
    }

    for (const cls of CLASSES) {
        it(`${cls}: every output on the class has a doc comment`, () => {
            const sym = checker.getAliasedSymbol(exports.get(cls)!);
            const instance = checker.getDeclaredTypeOfSymbol(sym);
            const props = ownProperties(instance).filter((p) => !p.name.startsWith("__"));
            assert.ok(props.length >= 3, `${cls} has its outputs (${props.map((p) => p.name)})`);
            assert.deepEqual(props.filter((p) => !p.doc).map((p) => p.name), [], `${cls}: outputs without a doc comment`);
        });
        it(`${cls}: every input has a doc comment`, () => {
            for (const t of membersOf(`${cls}Args`)) {
                const props = ownProperties(t);
                assert.ok(props.length >= 2);
                assert.deepEqual(props.filter((p) => !p.doc).map((p) => p.name), [], `${cls}Args: inputs without a doc comment`);
            }
        });
    }

    for (const nested of ["FileSource", "FirstLookArgs"]) {
        it(`${nested}: every field of every kind has a doc comment`, () => {
            const kinds = membersOf(nested);
            assert.ok(kinds.length >= 3, `${nested} is a union of its kinds`);
            for (const t of kinds) {
                // The `never` fields that rule out the other kinds are not for users to set.
                const props = ownProperties(t).filter((p) => !(checker.getTypeOfSymbol(t.getProperty(p.name)!).flags & ts.TypeFlags.Undefined));
                assert.deepEqual(props.filter((p) => !p.doc).map((p) => p.name), [], `${nested} (${checker.typeToString(t)}): fields without a doc comment`);
            }
        });
    }
});
