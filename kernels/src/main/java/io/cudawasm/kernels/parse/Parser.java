package io.cudawasm.kernels.parse;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Decl.FunctionSpecifier;
import io.cudawasm.kernels.ast.Decl.MemorySpace;
import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.ast.Expr.BinaryOp;
import io.cudawasm.kernels.ast.Expr.UnaryOp;
import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.Stmt;
import io.cudawasm.kernels.ast.TranslationUnit;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.lex.Literals;
import io.cudawasm.kernels.lex.Token;
import io.cudawasm.kernels.lex.TokenKind;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ScalarKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recursive-descent parser for the CUDA C++ subset kernels use. Like every C parser it tracks
 * which names denote types, because {@code a * b;} is a declaration exactly when {@code a} is one.
 * Host functions are recognised by their missing {@code __device__}/{@code __global__} and skipped.
 */
public final class Parser {
    /** Names that are types in every translation unit (typedefs CUDA and libc provide). */
    public static final Set<String> BUILTIN_TYPE_NAMES = Set.of(
            "size_t", "ptrdiff_t", "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t",
            "uint32_t", "uint64_t", "intptr_t", "uintptr_t", "uint", "ushort", "uchar", "ulong",
            "dim3", "char1", "char2", "char3", "char4", "uchar1", "uchar2", "uchar3", "uchar4",
            "short1", "short2", "short3", "short4", "ushort1", "ushort2", "ushort3", "ushort4",
            "int1", "int2", "int3", "int4", "uint1", "uint2", "uint3", "uint4",
            "long1", "long2", "long3", "long4", "ulong1", "ulong2", "ulong3", "ulong4",
            "longlong1", "longlong2", "longlong3", "longlong4", "ulonglong1", "ulonglong2", "ulonglong3",
            "ulonglong4", "float1", "float2", "float3", "float4", "double1", "double2", "double3", "double4",
            "thread_block", "thread_block_tile", "thread_group", "grid_group", "coalesced_group",
            "cudaError_t", "half", "__half", "half2", "__half2", "__nv_bfloat16", "nv_bfloat16",
            "cudaTextureObject_t", "cudaSurfaceObject_t");

    private static final Set<String> TYPE_KEYWORDS = Set.of(
            "void", "bool", "_Bool", "char", "short", "int", "long", "signed", "unsigned", "float", "double",
            "struct", "union", "class", "enum", "auto", "__int64");

    private static final Set<String> SPECIFIER_KEYWORDS = Set.of(
            "__global__", "__device__", "__host__", "__shared__", "__constant__", "__managed__", "static",
            "extern", "inline", "__inline__", "__forceinline__", "__noinline__", "register", "constexpr",
            "const", "volatile", "__restrict__", "__restrict", "restrict", "__launch_bounds__", "__align__",
            "__attribute__", "alignas", "typename", "__device_builtin__", "mutable", "thread_local");

    private final SourceFile file;
    private final List<Token> tokens;
    private final CompileBudget budget = CompileBudget.current();
    private int p;
    /**
     * How deep the tree being built is: one level per recursive production and per link of a
     * left-associative chain ({@code a + b + c}, {@code a[i][j]}, {@code f()()}), which later phases
     * walk recursively. Bounded by the {@code nesting-depth} limit.
     */
    private int nesting;
    private final Deque<Set<String>> typeScopes = new ArrayDeque<>();
    private final Set<String> templateFunctions = new HashSet<>();
    private final Set<String> templateStructs = new HashSet<>();
    /** A '>' left over from splitting '>>' when closing nested template argument lists. */
    private boolean pendingGreater;

    private Parser(SourceFile file, List<Token> tokens) {
        this.file = file;
        this.tokens = tokens;
        typeScopes.push(new HashSet<>(BUILTIN_TYPE_NAMES));
    }

    public static TranslationUnit parse(SourceFile file, List<Token> tokens) {
        return new Parser(file, tokens).translationUnit();
    }

    /**
     * Parses {@code name<args>} as a launch names a template kernel; returns the arguments.
     * Types are the built-in ones and constants; used for instantiation requests.
     */
    public static List<TypeSyntax.TemplateArg> parseTemplateArguments(SourceFile file, List<Token> tokens) {
        Parser parser = new Parser(file, tokens);
        parser.expectIdent("naming a kernel template");
        List<TypeSyntax.TemplateArg> args = parser.at("<") ? parser.templateArgs() : List.of();
        if (!parser.peek().isEof()) {
            throw parser.error(parser.peek(), "unexpected " + parser.peek().describe() + " after template arguments");
        }
        return args;
    }

    // ------------------------------------------------------------------ token helpers

    private Token peek() {
        return tokens.get(p);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(p + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(p);
        if (!t.isEof()) {
            p++;
        }
        return t;
    }

    private boolean at(String s) {
        return peek().is(s) && peek().kind() != TokenKind.STRING;
    }

    private boolean accept(String s) {
        if (at(s)) {
            p++;
            return true;
        }
        return false;
    }

    private Token expect(String s, String context) {
        if (at(s)) {
            return next();
        }
        throw error(peek(), "expected '" + s + "' " + context + ", found " + peek().describe());
    }

    private CompileException error(Token at, String message) {
        return CompileException.at(at.pos(), message);
    }

    private String expectIdent(String context) {
        Token t = peek();
        if (!t.isIdent() || isKeyword(t.text())) {
            throw error(t, "expected identifier " + context + ", found " + t.describe());
        }
        p++;
        return t.text();
    }

    private static boolean isKeyword(String s) {
        return TYPE_KEYWORDS.contains(s) || SPECIFIER_KEYWORDS.contains(s) || switch (s) {
            case "if", "else", "for", "while", "do", "switch", "case", "default", "break", "continue", "return",
                    "goto", "sizeof", "typedef", "template", "namespace", "using", "true", "false", "nullptr",
                    "static_cast", "reinterpret_cast", "const_cast", "dynamic_cast", "operator", "this", "new",
                    "delete", "asm", "__asm__", "throw", "try", "catch" -> true;
            default -> false;
        };
    }

    /** One level deeper, and one more syntax tree node. */
    private void enter(Token at) {
        budget.checkNesting(++nesting, at.pos());
        budget.countAstNode(at.pos());
    }

    private void leave() {
        nesting--;
    }

    // ------------------------------------------------------------------ type-name tracking

    private boolean isTypeName(String name) {
        String simple = name.contains("::") ? name.substring(name.lastIndexOf("::") + 2) : name;
        if (templateStructs.contains(simple)) {
            return true;
        }
        for (Set<String> scope : typeScopes) {
            if (scope.contains(name) || scope.contains(simple)) {
                return true;
            }
        }
        return false;
    }

    private void declareType(String name) {
        typeScopes.peek().add(name);
    }

    private void pushScope() {
        typeScopes.push(new HashSet<>());
    }

    private void popScope() {
        typeScopes.pop();
    }

    /** Reads {@code a::b::c} without consuming anything else; returns the token count, 0 if none. */
    private int qualifiedNameLength(int from) {
        int i = from;
        if (tokens.get(Math.min(i, tokens.size() - 1)).is("::")) {
            i++;
        }
        Token t = tokens.get(Math.min(i, tokens.size() - 1));
        if (!t.isIdent()) {
            return 0;
        }
        i++;
        while (tokens.get(Math.min(i, tokens.size() - 1)).is("::") && tokens.get(Math.min(i + 1, tokens.size() - 1)).isIdent()) {
            i += 2;
        }
        return i - from;
    }

    private String qualifiedNameAt(int from, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + length; i++) {
            sb.append(tokens.get(i).text());
        }
        String s = sb.toString();
        return s.startsWith("::") ? s.substring(2) : s;
    }

    /** Whether the tokens at the cursor begin a declaration (rather than an expression). */
    private boolean startsDeclaration() {
        Token t = peek();
        if (!t.isIdent() && !t.is("::")) {
            return false;
        }
        if (TYPE_KEYWORDS.contains(t.text()) || SPECIFIER_KEYWORDS.contains(t.text()) || t.is("typedef")
                || t.is("template") || t.is("using") || t.is("static_assert") || t.is("namespace")) {
            return !(t.is("__launch_bounds__"));
        }
        int len = qualifiedNameLength(p);
        if (len == 0) {
            return false;
        }
        String name = qualifiedNameAt(p, len);
        if (!isTypeName(name)) {
            return false;
        }
        Token after = peek(len);
        // T x; T* x; T& x; T<..> x; but not T(x) (a functional cast) or T::member
        return after.isIdent() || after.is("*") || after.is("&") || after.is("<") || after.is("&&");
    }

    // ------------------------------------------------------------------ translation unit

    private TranslationUnit translationUnit() {
        List<Decl> decls = new ArrayList<>();
        while (!peek().isEof()) {
            externalDeclaration(decls, EnumSet.noneOf(FunctionSpecifier.class));
        }
        return new TranslationUnit(file, decls);
    }

    private void externalDeclaration(List<Decl> out, Set<FunctionSpecifier> inherited) {
        Token t = peek();
        if (accept(";")) {
            return;
        }
        if (t.is("extern") && peek(1).kind() == TokenKind.STRING) {
            next();
            Token lang = next();
            if (!lang.text().equals("\"C\"") && !lang.text().equals("\"C++\"")) {
                throw error(lang, "unknown language linkage " + lang.text());
            }
            Set<FunctionSpecifier> spec = EnumSet.copyOf(withExternC(inherited));
            enter(t);
            if (accept("{")) {
                while (!at("}")) {
                    if (peek().isEof()) {
                        throw error(t, "expected '}' to close extern \"C\" block");
                    }
                    externalDeclaration(out, spec);
                }
                next();
            } else {
                externalDeclaration(out, spec);
            }
            leave();
            return;
        }
        if (t.is("namespace")) {
            next();
            String name = peek().isIdent() ? next().text() : "";
            if (accept("=")) {
                int len = qualifiedNameLength(p);
                if (len == 0) {
                    throw error(peek(), "expected namespace name after '='");
                }
                String target = qualifiedNameAt(p, len);
                p += len;
                expect(";", "after namespace alias");
                out.add(new Decl.NamespaceAlias(t.pos(), name, target));
                return;
            }
            expect("{", "to open namespace " + name);
            enter(t);
            while (!at("}")) {
                if (peek().isEof()) {
                    throw error(t, "expected '}' to close namespace " + name);
                }
                externalDeclaration(out, inherited);
            }
            leave();
            next();
            return;
        }
        if (t.is("using")) {
            usingDeclaration(out);
            return;
        }
        if (t.is("static_assert")) {
            skipStaticAssert();
            return;
        }
        if (t.is("template")) {
            templateDeclaration(out, inherited);
            return;
        }
        if (t.is("typedef")) {
            typedef(out);
            return;
        }
        if (t.is("class") || ((t.is("struct") || t.is("union")) && peek(1).isIdent() && peek(2).is("{")
                && structHasMemberFunctions())) {
            throw error(t, "C++ classes with member functions are not supported in device code");
        }
        declaration(out, inherited, List.of(), true);
    }

    private static Set<FunctionSpecifier> withExternC(Set<FunctionSpecifier> s) {
        Set<FunctionSpecifier> r = EnumSet.noneOf(FunctionSpecifier.class);
        r.addAll(s);
        r.add(FunctionSpecifier.EXTERN_C);
        return r;
    }

    /** Looks ahead in a struct body for a member function (a '(' before the closing brace at depth 1). */
    private boolean structHasMemberFunctions() {
        int depth = 0;
        for (int i = p; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            budget.checkpoint(t.pos());
            if (t.is("{")) {
                depth++;
            } else if (t.is("}")) {
                depth--;
                if (depth == 0) {
                    return false;
                }
            } else if (t.is("(") && depth == 1) {
                Token prev = tokens.get(i - 1);
                return prev.isIdent() && !prev.is("__align__") && !prev.is("__attribute__") && !prev.is("alignas");
            } else if (t.isEof()) {
                return false;
            }
        }
        return false;
    }

    private void usingDeclaration(List<Decl> out) {
        Token t = next();
        if (accept("namespace")) {
            int len = qualifiedNameLength(p);
            p += len;
            expect(";", "after using-directive");
            return;
        }
        if (peek().isIdent() && peek(1).is("=")) {
            String name = next().text();
            next();
            TypeSyntax type = typeName();
            expect(";", "after alias declaration");
            declareType(name);
            out.add(new Decl.Typedef(t.pos(), name, type));
            return;
        }
        // using std::min; and friends: names are found without qualification anyway
        while (!at(";") && !peek().isEof()) {
            next();
        }
        expect(";", "after using-declaration");
    }

    private void skipStaticAssert() {
        Token t = next();
        expect("(", "after static_assert");
        skipBalanced(t, ")");
        expect(";", "after static_assert");
    }

    /** Skips tokens up to and including the closer matching an opener already consumed. */
    private void skipBalanced(Token opener, String closer) {
        int depth = 1;
        while (true) {
            Token t = next();
            budget.checkpoint(t.pos());
            if (t.isEof()) {
                throw error(opener, "unbalanced '" + opener.text() + "': expected '" + closer + "'");
            }
            if (t.is("(") || t.is("{") || t.is("[")) {
                depth++;
            } else if (t.is(")") || t.is("}") || t.is("]")) {
                depth--;
                if (depth == 0) {
                    if (!t.is(closer)) {
                        throw error(t, "expected '" + closer + "', found " + t.describe());
                    }
                    return;
                }
            }
        }
    }

    private void templateDeclaration(List<Decl> out, Set<FunctionSpecifier> inherited) {
        Token t = next();
        expect("<", "after 'template'");
        pushScope();
        List<Decl.TemplateParam> params = new ArrayList<>();
        if (!at(">")) {
            do {
                params.add(templateParam());
            } while (accept(","));
        }
        expectGreater("to close the template parameter list");
        if (at("struct") || at("class") || at("union")) {
            Token kw = next();
            String name = expectIdent("after '" + kw.text() + "'");
            templateStructs.add(name);
            if (!at("{")) {
                throw error(peek(), "expected '{' in the definition of struct template '" + name + "'");
            }
            if (structHasMemberFunctions()) {
                throw error(kw, "struct templates with member functions are not supported in device code");
            }
            TypeSyntax.StructDef def = structBody(kw.pos(), name, kw.is("union"), 0);
            expect(";", "after struct template definition");
            popScope();
            out.add(new Decl.StructTemplate(t.pos(), name, params, def));
            return;
        }
        List<Decl> inner = new ArrayList<>();
        declaration(inner, inherited, params, true);
        popScope();
        for (Decl d : inner) {
            if (!(d instanceof Decl.Function) && !(d instanceof Decl.HostFunction)) {
                throw error(t, "only function and struct templates are supported");
            }
            out.add(d);
        }
    }

    private Decl.TemplateParam templateParam() {
        Token t = peek();
        if (accept("typename") || accept("class")) {
            String name = expectIdent("in template parameter list");
            declareType(name);
            TypeSyntax.TemplateArg def = null;
            if (accept("=")) {
                def = new TypeSyntax.TypeArg(typeName());
            }
            return new Decl.TemplateParam(t.pos(), name, true, null, def);
        }
        TypeSyntax type = declSpecifiers(new Specifiers()).type;
        String name = expectIdent("in template parameter list");
        TypeSyntax.TemplateArg def = null;
        if (accept("=")) {
            def = new TypeSyntax.ValueArg(binary(0, true));
        }
        return new Decl.TemplateParam(t.pos(), name, false, type, def);
    }

    private void expectGreater(String context) {
        if (pendingGreater) {
            pendingGreater = false;
            return;
        }
        if (at(">>")) {
            p++;
            pendingGreater = true;
            return;
        }
        if (at(">=") || at(">>=")) {
            throw error(peek(), "expected '>' " + context + ", found " + peek().describe());
        }
        expect(">", context);
    }

    private void typedef(List<Decl> out) {
        Token t = next();
        Specifiers spec = new Specifiers();
        TypeSyntax base = declSpecifiers(spec).type;
        boolean first = true;
        do {
            Declarator d = declarator(base, false);
            if (first && TypeSyntax.unqualified(base) instanceof TypeSyntax.StructRef sr && sr.definition() != null
                    && sr.tag().startsWith("__anon") && d.type == base) {
                // typedef struct { ... } Name; the struct takes the typedef's name
                TypeSyntax.StructDef def = sr.definition();
                base = new TypeSyntax.StructRef(sr.pos(), d.name, sr.union(),
                        new TypeSyntax.StructDef(def.pos(), d.name, def.union(), def.explicitAlign(), def.members()));
                d.type = base;
            }
            first = false;
            if (d.params != null) {
                throw error(t, "function typedefs are not supported");
            }
            declareType(d.name);
            out.add(new Decl.Typedef(d.pos, d.name, d.type));
        } while (accept(","));
        expect(";", "after typedef");
    }

    // ------------------------------------------------------------------ declarations

    /** Declaration specifiers collected before the declarators. */
    private static final class Specifiers {
        TypeSyntax type;
        final Set<FunctionSpecifier> functionSpecifiers = EnumSet.noneOf(FunctionSpecifier.class);
        MemorySpace space = MemorySpace.AUTO;
        boolean isStatic;
        boolean isExtern;
        boolean isConst;
        boolean isVolatile;
        int align;
        Token first;
    }

    private Specifiers declSpecifiers(Specifiers s) {
        s.first = peek();
        boolean sawType = false;
        int longs = 0;
        boolean signed = false;
        boolean unsigned = false;
        String base = null;
        Token baseTok = null;
        while (true) {
            Token t = peek();
            String w = t.text();
            if (t.kind() != TokenKind.IDENT && !t.is("::")) {
                break;
            }
            switch (w) {
                case "__global__" -> s.functionSpecifiers.add(FunctionSpecifier.GLOBAL);
                case "__device__" -> {
                    s.functionSpecifiers.add(FunctionSpecifier.DEVICE);
                    if (s.space == MemorySpace.AUTO) {
                        s.space = MemorySpace.DEVICE;
                    }
                }
                case "__host__" -> s.functionSpecifiers.add(FunctionSpecifier.HOST);
                case "__shared__" -> s.space = MemorySpace.SHARED;
                case "__constant__" -> s.space = MemorySpace.CONSTANT;
                case "__managed__" -> s.space = MemorySpace.MANAGED;
                case "static" -> s.isStatic = true;
                case "extern" -> s.isExtern = true;
                case "inline", "__inline__" -> s.functionSpecifiers.add(FunctionSpecifier.INLINE);
                case "__forceinline__" -> s.functionSpecifiers.add(FunctionSpecifier.FORCEINLINE);
                case "__noinline__" -> s.functionSpecifiers.add(FunctionSpecifier.NOINLINE);
                case "register", "mutable", "__device_builtin__", "typename", "thread_local" -> { }
                case "constexpr", "const" -> s.isConst = true;
                case "volatile" -> s.isVolatile = true;
                case "__restrict__", "__restrict", "restrict" -> { }
                case "__launch_bounds__" -> {
                    next();
                    Token open = expect("(", "after __launch_bounds__");
                    skipBalanced(open, ")");
                    continue;
                }
                case "__align__", "alignas" -> {
                    next();
                    expect("(", "after " + w);
                    Expr e = assignment();
                    expect(")", "after alignment");
                    if (!(e instanceof Expr.IntLit lit)) {
                        throw error(t, w + " needs an integer constant");
                    }
                    s.align = (int) lit.value().value();
                    continue;
                }
                case "__attribute__" -> {
                    next();
                    Token open = expect("(", "after __attribute__");
                    skipBalanced(open, ")");
                    continue;
                }
                case "void", "bool", "_Bool", "char", "short", "int", "float", "double", "__int64" -> {
                    if (base != null && !(base.equals("int") && (w.equals("short") || w.equals("char")))
                            && !(w.equals("int") && (base.equals("short") || base.equals("char")))) {
                        if (!(base.equals("short") && w.equals("int"))) {
                            throw error(t, "cannot combine '" + w + "' with previous '" + base + "' in a declaration");
                        }
                    }
                    if (base == null || w.equals("short") || w.equals("char") || w.equals("float") || w.equals("double")
                            || w.equals("void") || w.equals("bool")) {
                        base = w.equals("_Bool") ? "bool" : w.equals("__int64") ? "longlong" : w;
                        baseTok = t;
                    }
                    sawType = true;
                }
                case "long" -> {
                    longs++;
                    sawType = true;
                    if (longs > 2) {
                        throw error(t, "'long long long' is too long");
                    }
                }
                case "signed" -> {
                    signed = true;
                    sawType = true;
                }
                case "unsigned" -> {
                    unsigned = true;
                    sawType = true;
                }
                case "struct", "union", "class" -> {
                    if (sawType) {
                        throw error(t, "two types in one declaration");
                    }
                    s.type = structSpecifier();
                    sawType = true;
                    continue;
                }
                case "enum" -> {
                    if (sawType) {
                        throw error(t, "two types in one declaration");
                    }
                    s.type = enumSpecifier();
                    sawType = true;
                    continue;
                }
                case "auto" -> {
                    s.type = new TypeSyntax.Named(t.pos(), "auto", List.of());
                    sawType = true;
                }
                default -> {
                    if (sawType) {
                        break;
                    }
                    int len = qualifiedNameLength(p);
                    if (len == 0) {
                        break;
                    }
                    String name = qualifiedNameAt(p, len);
                    if (!isTypeName(name)) {
                        break;
                    }
                    p += len;
                    List<TypeSyntax.TemplateArg> args = List.of();
                    if (at("<") && (templateStructs.contains(simpleName(name)) || simpleName(name).equals("thread_block_tile"))) {
                        args = templateArgs();
                    }
                    s.type = new TypeSyntax.Named(t.pos(), name, args);
                    sawType = true;
                    continue;
                }
            }
            if (!(t.kind() == TokenKind.IDENT && isSpecifierWord(w))) {
                break;
            }
            next();
        }
        if (s.type == null) {
            if (!sawType) {
                Token t = peek();
                if (t.isIdent() && !isKeyword(t.text())) {
                    throw error(t, "unknown type name '" + t.text() + "'");
                }
                throw error(t, "expected a type, found " + t.describe());
            }
            s.type = builtinType(baseTok == null ? s.first : baseTok, base, longs, signed, unsigned);
        } else if (longs > 0 || signed || unsigned || base != null) {
            throw error(s.first, "cannot combine a named type with other type specifiers");
        }
        if (s.isConst || s.isVolatile) {
            s.type = new TypeSyntax.Qualified(s.first.pos(), s.type, s.isConst, s.isVolatile);
        }
        return s;
    }

    private static String simpleName(String name) {
        return name.contains("::") ? name.substring(name.lastIndexOf("::") + 2) : name;
    }

    private static boolean isSpecifierWord(String w) {
        return SPECIFIER_KEYWORDS.contains(w) || TYPE_KEYWORDS.contains(w);
    }

    private TypeSyntax builtinType(Token at, String base, int longs, boolean signed, boolean unsigned) {
        if (signed && unsigned) {
            throw error(at, "'signed' and 'unsigned' cannot be combined");
        }
        if (base == null) {
            base = "int";
        }
        ScalarKind k;
        switch (base) {
            case "void" -> {
                if (longs > 0 || signed || unsigned) {
                    throw error(at, "'void' cannot be combined with other type specifiers");
                }
                return new TypeSyntax.Builtin(at.pos(), null);
            }
            case "bool" -> k = ScalarKind.BOOL;
            case "char" -> k = unsigned ? ScalarKind.UCHAR : signed ? ScalarKind.SCHAR : ScalarKind.CHAR;
            case "short" -> k = unsigned ? ScalarKind.USHORT : ScalarKind.SHORT;
            case "int" -> k = longs == 0 ? (unsigned ? ScalarKind.UINT : ScalarKind.INT)
                    : longs == 1 ? (unsigned ? ScalarKind.ULONG : ScalarKind.LONG)
                    : (unsigned ? ScalarKind.ULONGLONG : ScalarKind.LONGLONG);
            case "longlong" -> k = unsigned ? ScalarKind.ULONGLONG : ScalarKind.LONGLONG;
            case "float" -> k = ScalarKind.FLOAT;
            case "double" -> {
                if (longs > 0) {
                    throw error(at, "'long double' is not supported in CUDA device code");
                }
                k = ScalarKind.DOUBLE;
            }
            default -> throw error(at, "unknown type '" + base + "'");
        }
        if ((longs > 0 || signed || unsigned) && (k == ScalarKind.BOOL || k == ScalarKind.FLOAT)) {
            throw error(at, "'" + base + "' cannot be combined with 'long', 'signed' or 'unsigned'");
        }
        if (longs > 0 && (base.equals("char") || base.equals("short"))) {
            throw error(at, "'long' cannot be combined with '" + base + "'");
        }
        return new TypeSyntax.Builtin(at.pos(), k);
    }

    private TypeSyntax structSpecifier() {
        Token kw = next();
        boolean union = kw.is("union");
        int align = 0;
        while (at("__align__") || at("__attribute__") || at("alignas")) {
            Token a = next();
            Token open = expect("(", "after " + a.text());
            if (a.is("__attribute__")) {
                skipBalanced(open, ")");
            } else {
                Expr e = assignment();
                expect(")", "after alignment");
                if (!(e instanceof Expr.IntLit lit)) {
                    throw error(a, a.text() + " needs an integer constant");
                }
                align = (int) lit.value().value();
            }
        }
        String tag = peek().isIdent() && !isKeyword(peek().text()) ? next().text() : null;
        if (at("{")) {
            if (structHasMemberFunctions()) {
                throw error(kw, "C++ structs with member functions are not supported in device code");
            }
            String name = tag != null ? tag : "__anon" + kw.pos().line() + "_" + kw.pos().column();
            if (tag != null) {
                declareType(tag);
            }
            TypeSyntax.StructDef def = structBody(kw.pos(), name, union, align);
            return new TypeSyntax.StructRef(kw.pos(), name, union, def);
        }
        if (tag == null) {
            throw error(peek(), "expected a struct name or '{' after '" + kw.text() + "'");
        }
        declareType(tag);
        return new TypeSyntax.StructRef(kw.pos(), tag, union, null);
    }

    private TypeSyntax.StructDef structBody(SourcePos pos, String name, boolean union, int align) {
        Token open = expect("{", "to open the struct body");
        enter(open);
        List<TypeSyntax.Member> members = new ArrayList<>();
        Set<String> memberNames = new HashSet<>(); // a set, not a scan: a struct may have 100,000 members
        while (!accept("}")) {
            if (peek().isEof()) {
                throw error(open, "expected '}' at end of struct '" + name + "'");
            }
            if (accept(";")) {
                continue;
            }
            Specifiers s = declSpecifiers(new Specifiers());
            if (s.space != MemorySpace.AUTO && s.space != MemorySpace.DEVICE || s.isStatic) {
                throw error(s.first, "storage specifiers are not allowed on struct members");
            }
            if (at(";") && s.type instanceof TypeSyntax.StructRef sr && sr.definition() != null) {
                // an anonymous nested struct/union: its members join the outer struct
                for (TypeSyntax.Member m : sr.definition().members()) {
                    members.add(m);
                    memberNames.add(m.name());
                }
                next();
                continue;
            }
            do {
                Declarator d = declarator(s.type, false);
                if (d.params != null) {
                    throw error(d.nameTok, "member functions are not supported in device code");
                }
                if (at(":")) {
                    throw error(peek(), "bit-fields are not supported");
                }
                if (!memberNames.add(d.name)) {
                    throw error(d.nameTok, "duplicate member '" + d.name + "'");
                }
                members.add(new TypeSyntax.Member(d.pos, d.name, d.type));
            } while (accept(","));
            expect(";", "after struct member");
        }
        leave();
        return new TypeSyntax.StructDef(pos, name, union, align, members);
    }

    private TypeSyntax enumSpecifier() {
        Token kw = next();
        accept("class");
        accept("struct");
        String tag = peek().isIdent() && !isKeyword(peek().text()) ? next().text() : null;
        if (accept(":")) {
            typeName();
        }
        if (tag != null) {
            declareType(tag);
        }
        if (!at("{")) {
            if (tag == null) {
                throw error(peek(), "expected an enum name or '{'");
            }
            return new TypeSyntax.EnumRef(kw.pos(), tag, null);
        }
        next();
        List<TypeSyntax.Enumerator> list = new ArrayList<>();
        while (!accept("}")) {
            Token n = peek();
            String name = expectIdent("in enumerator list");
            Expr value = accept("=") ? conditional() : null;
            list.add(new TypeSyntax.Enumerator(n.pos(), name, value));
            if (!accept(",")) {
                expect("}", "at end of enumerator list");
                break;
            }
        }
        return new TypeSyntax.EnumRef(kw.pos(), tag, new TypeSyntax.EnumDef(kw.pos(), tag, list));
    }

    /** A declarator's result: the declared name and type, and parameters when it declares a function. */
    private static final class Declarator {
        String name;
        Token nameTok;
        SourcePos pos;
        TypeSyntax type;
        List<Decl.Param> params;
    }

    private Declarator declarator(TypeSyntax base, boolean abstractAllowed) {
        return declarator(base, abstractAllowed, true);
    }

    private Declarator declarator(TypeSyntax base, boolean abstractAllowed, boolean allowFunction) {
        int saved = nesting;
        try {
            return declaratorChain(base, abstractAllowed, allowFunction);
        } finally {
            nesting = saved;
        }
    }

    /** A declarator; each pointer, reference and array dimension nests the type once more. */
    private Declarator declaratorChain(TypeSyntax base, boolean abstractAllowed, boolean allowFunction) {
        TypeSyntax type = base;
        while (true) {
            Token t = peek();
            if (at("*") || at("&")) {
                enter(t); // each pointer or reference wraps the type once more
            }
            if (accept("*")) {
                boolean c = false;
                boolean v = false;
                boolean r = false;
                while (true) {
                    if (accept("const")) {
                        c = true;
                    } else if (accept("volatile")) {
                        v = true;
                    } else if (accept("__restrict__") || accept("__restrict") || accept("restrict")) {
                        r = true;
                    } else {
                        break;
                    }
                }
                type = new TypeSyntax.Pointer(t.pos(), type, false, false, r);
                if (c || v) {
                    type = new TypeSyntax.Qualified(t.pos(), type, c, v);
                }
            } else if (accept("&")) {
                type = new TypeSyntax.Reference(t.pos(), type);
                while (accept("__restrict__") || accept("__restrict")) {
                    // a restrict-qualified reference means nothing more for us
                }
            } else if (at("&&")) {
                throw error(t, "rvalue references are not supported in device code");
            } else if (at("__launch_bounds__") || at("__attribute__")) {
                next();
                Token open = expect("(", "after attribute");
                skipBalanced(open, ")");
            } else {
                break;
            }
        }
        Declarator d = new Declarator();
        Token nameTok = peek();
        d.pos = nameTok.pos();
        if (nameTok.is("(") && peek(1).is("*")) {
            throw error(nameTok, "function pointers are not supported in device code");
        }
        if (nameTok.is("operator")) {
            throw error(nameTok, "operator overloading is not supported in device code");
        }
        if (nameTok.isIdent() && !isKeyword(nameTok.text())) {
            int len = qualifiedNameLength(p);
            d.name = qualifiedNameAt(p, len);
            p += len;
            d.nameTok = nameTok;
        } else if (!abstractAllowed) {
            throw error(nameTok, "expected identifier in declaration, found " + nameTok.describe());
        } else {
            d.nameTok = nameTok;
        }
        if (at("(") && d.name != null && allowFunction) {
            d.params = parameterList();
            d.type = type;
            return d;
        }
        List<Expr> dims = new ArrayList<>();
        List<Token> dimToks = new ArrayList<>();
        while (at("[")) {
            Token open = next();
            enter(open);
            dimToks.add(open);
            dims.add(at("]") ? null : assignment());
            expect("]", "to close the array dimension");
        }
        for (int i = dims.size() - 1; i >= 0; i--) {
            if (i > 0 && dims.get(i) == null) {
                throw error(dimToks.get(i), "only the first dimension of an array may be omitted");
            }
            type = new TypeSyntax.Array(dimToks.get(i).pos(), type, dims.get(i));
        }
        d.type = type;
        return d;
    }

    private List<Decl.Param> parameterList() {
        Token open = expect("(", "to open the parameter list");
        List<Decl.Param> params = new ArrayList<>();
        if (accept(")")) {
            return params;
        }
        if (at("void") && peek(1).is(")")) {
            next();
            next();
            return params;
        }
        do {
            if (at("...")) {
                throw error(peek(), "variadic functions are not supported in device code");
            }
            Specifiers s = declSpecifiers(new Specifiers());
            Declarator d = declarator(s.type, true);
            if (d.params != null) {
                throw error(d.nameTok, "function parameters are not supported");
            }
            if (at("=")) {
                throw error(peek(), "default arguments are not supported in device code");
            }
            params.add(new Decl.Param(d.pos, d.name == null ? "" : d.name, d.type));
        } while (accept(","));
        if (!at(")")) {
            throw error(peek(), "expected ',' or ')' in parameter list, found " + peek().describe());
        }
        next();
        assert open != null;
        return params;
    }

    /**
     * A declaration: specifiers and declarators, or a function definition. {@code fileScope}
     * decides whether a host function body may be skipped.
     */
    private void declaration(List<Decl> out, Set<FunctionSpecifier> inherited, List<Decl.TemplateParam> template,
            boolean fileScope) {
        Specifiers s = declSpecifiers(new Specifiers());
        s.functionSpecifiers.addAll(inherited);
        if (at(";")) {
            next();
            if (s.type instanceof TypeSyntax.StructRef || s.type instanceof TypeSyntax.EnumRef
                    || s.type instanceof TypeSyntax.Qualified) {
                out.add(new Decl.TypeDefinition(s.first.pos(), s.type));
            }
            return;
        }
        boolean first = true;
        do {
            Declarator d = declarator(s.type, false, fileScope);
            if (d.params != null) {
                if (!fileScope) {
                    throw error(d.nameTok, "function declarations inside functions are not supported");
                }
                Set<FunctionSpecifier> spec = EnumSet.noneOf(FunctionSpecifier.class);
                spec.addAll(s.functionSpecifiers);
                if (s.isStatic) {
                    spec.add(FunctionSpecifier.STATIC);
                }
                boolean device = spec.contains(FunctionSpecifier.GLOBAL) || spec.contains(FunctionSpecifier.DEVICE);
                if (!template.isEmpty()) {
                    templateFunctions.add(d.name);
                }
                if (at("{")) {
                    if (!first) {
                        throw error(peek(), "a function definition cannot follow another declarator");
                    }
                    if (!device) {
                        Token open = next();
                        skipBalanced(open, "}");
                        out.add(new Decl.HostFunction(d.pos, d.name));
                        return;
                    }
                    pushScope();
                    Stmt.Block body = block();
                    popScope();
                    out.add(new Decl.Function(d.pos, d.name, spec, s.type, d.params, body, template));
                    return;
                }
                // a prototype
                if (device) {
                    out.add(new Decl.Function(d.pos, d.name, spec, s.type, d.params, null, template));
                }
            } else {
                if (!s.functionSpecifiers.isEmpty() && s.functionSpecifiers.stream()
                        .anyMatch(f -> f == FunctionSpecifier.GLOBAL || f == FunctionSpecifier.HOST)) {
                    throw error(d.nameTok, "'__global__' and '__host__' apply to functions, not to variable '" + d.name + "'");
                }
                Initializer init = null;
                if (accept("=")) {
                    init = initializer();
                } else if (at("{")) {
                    init = initializer();
                } else if (at("(") && !fileScope) {
                    Token open = next();
                    List<Expr> args = new ArrayList<>();
                    if (!at(")")) {
                        do {
                            args.add(assignment());
                        } while (accept(","));
                    }
                    expect(")", "to close the constructor arguments");
                    init = args.size() == 1 ? new Initializer.Single(args.get(0))
                            : new Initializer.Single(new Expr.Construct(open.pos(), d.type, args));
                }
                out.add(new Decl.Variable(d.pos, d.name, d.type, s.space, s.isStatic, s.isExtern, init));
            }
            first = false;
        } while (accept(","));
        expect(";", "after declaration");
    }

    private Initializer initializer() {
        Token t = peek();
        if (accept("{")) {
            enter(t);
            List<Initializer> elements = new ArrayList<>();
            while (!accept("}")) {
                if (at(".") && peek(1).isIdent()) {
                    throw error(peek(), "designated initializers are not supported");
                }
                elements.add(initializer());
                if (!accept(",")) {
                    expect("}", "at end of initializer list");
                    break;
                }
            }
            leave();
            return new Initializer.Braced(t.pos(), elements);
        }
        return new Initializer.Single(assignment());
    }

    /** A type-id: specifiers and an abstract declarator (for casts, sizeof, template arguments). */
    private TypeSyntax typeName() {
        Specifiers s = declSpecifiers(new Specifiers());
        Declarator d = declarator(s.type, true);
        if (d.name != null) {
            throw error(d.nameTok, "unexpected name '" + d.name + "' in type");
        }
        return d.type;
    }

    private boolean startsTypeName() {
        Token t = peek();
        if (t.isIdent() && (TYPE_KEYWORDS.contains(t.text()) || t.is("const") || t.is("volatile"))) {
            return true;
        }
        int len = qualifiedNameLength(p);
        return len > 0 && isTypeName(qualifiedNameAt(p, len)) && !peek(len).is("::");
    }

    // ------------------------------------------------------------------ statements

    private Stmt.Block block() {
        Token open = expect("{", "to open a block");
        enter(open);
        List<Stmt> list = new ArrayList<>();
        while (!accept("}")) {
            if (peek().isEof()) {
                throw error(open, "expected '}' to close this block");
            }
            list.add(statement());
        }
        leave();
        return new Stmt.Block(open.pos(), list);
    }

    private Stmt statement() {
        Token t = peek();
        enter(t);
        try {
            return statementInner(t);
        } finally {
            leave();
        }
    }

    private Stmt statementInner(Token t) {
        if (t.is("{")) {
            pushScope();
            Stmt.Block b = block();
            popScope();
            return b;
        }
        if (accept(";")) {
            return new Stmt.Empty(t.pos());
        }
        if (t.isIdent()) {
            switch (t.text()) {
                case "if" -> {
                    next();
                    accept("constexpr");
                    expect("(", "after 'if'");
                    Expr c = expression();
                    expect(")", "after the if condition");
                    Stmt then = scopedStatement();
                    Stmt otherwise = accept("else") ? scopedStatement() : null;
                    return new Stmt.If(t.pos(), c, then, otherwise);
                }
                case "while" -> {
                    next();
                    expect("(", "after 'while'");
                    Expr c = expression();
                    expect(")", "after the while condition");
                    return new Stmt.While(t.pos(), c, scopedStatement());
                }
                case "do" -> {
                    next();
                    Stmt body = scopedStatement();
                    expect("while", "after the do-while body");
                    expect("(", "after 'while'");
                    Expr c = expression();
                    expect(")", "after the do-while condition");
                    expect(";", "after do-while statement");
                    return new Stmt.DoWhile(t.pos(), body, c);
                }
                case "for" -> {
                    next();
                    expect("(", "after 'for'");
                    pushScope();
                    Stmt init = null;
                    if (!accept(";")) {
                        if (startsDeclaration()) {
                            List<Decl> decls = new ArrayList<>();
                            Token first = peek();
                            declaration(decls, EnumSet.noneOf(FunctionSpecifier.class), List.of(), false);
                            init = new Stmt.Declaration(first.pos(), decls);
                        } else {
                            Token first = peek();
                            init = new Stmt.ExprStmt(first.pos(), expression());
                            expect(";", "after for-loop initializer");
                        }
                    }
                    if (at(":")) {
                        throw error(peek(), "range-based for loops are not supported in device code");
                    }
                    Expr c = at(";") ? null : expression();
                    expect(";", "after for-loop condition");
                    Expr step = at(")") ? null : expression();
                    expect(")", "to close the for-loop header");
                    Stmt body = scopedStatement();
                    popScope();
                    return new Stmt.For(t.pos(), init, c, step, body);
                }
                case "switch" -> {
                    next();
                    expect("(", "after 'switch'");
                    Expr c = expression();
                    expect(")", "after the switch selector");
                    return new Stmt.Switch(t.pos(), c, scopedStatement());
                }
                case "case" -> {
                    next();
                    Expr v = conditional();
                    if (at("...")) {
                        throw error(peek(), "case ranges are not supported");
                    }
                    expect(":", "after case value");
                    return new Stmt.Case(t.pos(), v);
                }
                case "default" -> {
                    next();
                    expect(":", "after 'default'");
                    return new Stmt.Default(t.pos());
                }
                case "break" -> {
                    next();
                    expect(";", "after 'break'");
                    return new Stmt.Break(t.pos());
                }
                case "continue" -> {
                    next();
                    expect(";", "after 'continue'");
                    return new Stmt.Continue(t.pos());
                }
                case "return" -> {
                    next();
                    Expr v = at(";") ? null : expression();
                    expect(";", "after return statement");
                    return new Stmt.Return(t.pos(), v);
                }
                case "goto" -> throw error(t, "'goto' is not supported: use structured control flow");
                case "asm", "__asm__", "__asm" -> throw error(t, "inline PTX assembly (asm) is not supported");
                case "try", "throw" -> throw error(t, "exceptions are not supported in device code");
                case "typedef" -> {
                    List<Decl> decls = new ArrayList<>();
                    typedef(decls);
                    return new Stmt.Declaration(t.pos(), decls);
                }
                case "static_assert" -> {
                    skipStaticAssert();
                    return new Stmt.Empty(t.pos());
                }
                case "using" -> {
                    List<Decl> decls = new ArrayList<>();
                    usingDeclaration(decls);
                    return new Stmt.Declaration(t.pos(), decls);
                }
                case "namespace" -> {
                    List<Decl> decls = new ArrayList<>();
                    externalDeclaration(decls, EnumSet.noneOf(FunctionSpecifier.class));
                    return new Stmt.Declaration(t.pos(), decls);
                }
                default -> { }
            }
            if (peek(1).is(":") && !peek(1).is("::") && !isKeyword(t.text()) && !isTypeName(t.text())) {
                throw error(t, "labels and 'goto' are not supported: use structured control flow");
            }
        }
        if (startsDeclaration()) {
            List<Decl> decls = new ArrayList<>();
            declaration(decls, EnumSet.noneOf(FunctionSpecifier.class), List.of(), false);
            return new Stmt.Declaration(t.pos(), decls);
        }
        Expr e = expression();
        if (!at(";")) {
            Token bad = peek();
            if (bad.isIdent() && e instanceof Expr.Ident id && !isTypeName(id.name())) {
                throw error(t, "unknown type name '" + id.name() + "'");
            }
            throw error(bad, "expected ';' after expression, found " + bad.describe());
        }
        next();
        return new Stmt.ExprStmt(t.pos(), e);
    }

    /** A sub-statement gets its own scope for type names, as in C++. */
    private Stmt scopedStatement() {
        pushScope();
        Stmt s = statement();
        popScope();
        return s;
    }

    // ------------------------------------------------------------------ expressions

    private Expr expression() {
        Expr e = assignment();
        int saved = nesting;
        try {
            while (at(",")) {
                Token op = next();
                enter(op);
                e = new Expr.Binary(op.pos(), BinaryOp.COMMA, e, assignment());
            }
            return e;
        } finally {
            nesting = saved;
        }
    }

    private static final Map<String, BinaryOp> COMPOUND = Map.ofEntries(
            Map.entry("+=", BinaryOp.ADD), Map.entry("-=", BinaryOp.SUB), Map.entry("*=", BinaryOp.MUL),
            Map.entry("/=", BinaryOp.DIV), Map.entry("%=", BinaryOp.REM), Map.entry("<<=", BinaryOp.SHL),
            Map.entry(">>=", BinaryOp.SHR), Map.entry("&=", BinaryOp.BIT_AND), Map.entry("|=", BinaryOp.BIT_OR),
            Map.entry("^=", BinaryOp.BIT_XOR));

    private Expr assignment() {
        Token start = peek();
        enter(start);
        try {
            Expr left = conditional();
            Token t = peek();
            if (t.kind() == TokenKind.PUNCT) {
                if (t.is("=")) {
                    next();
                    Expr right = at("{") ? braced() : assignment();
                    return new Expr.Assign(t.pos(), null, left, right);
                }
                BinaryOp op = COMPOUND.get(t.text());
                if (op != null) {
                    next();
                    return new Expr.Assign(t.pos(), op, left, assignment());
                }
            }
            return left;
        } finally {
            leave();
        }
    }

    private Expr braced() {
        Token t = peek();
        Initializer.Braced b = (Initializer.Braced) initializer();
        return new Expr.InitList(t.pos(), b.elements());
    }

    private Expr conditional() {
        Expr c = binary(0, false);
        if (at("?")) {
            Token q = next();
            Expr a = expression();
            expect(":", "in conditional expression");
            Expr b = assignment();
            return new Expr.Conditional(q.pos(), c, a, b);
        }
        return c;
    }

    private static final String[][] LEVELS = {
        {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"<<", ">>"}, {"+", "-"},
        {"*", "/", "%"}
    };

    private static BinaryOp binaryOp(String s) {
        for (BinaryOp op : BinaryOp.values()) {
            if (op.symbol().equals(s)) {
                return op;
            }
        }
        throw new IllegalArgumentException(s);
    }

    /** Binary operators by precedence; inside template arguments '>' and '>>' end the expression. */
    private Expr binary(int level, boolean inTemplateArgs) {
        if (level == LEVELS.length) {
            return unary();
        }
        Expr left = binary(level + 1, inTemplateArgs);
        int saved = nesting;
        try {
            return binaryChain(level, inTemplateArgs, left);
        } finally {
            nesting = saved;
        }
    }

    /** The rest of a left-associative chain: every operator nests the tree built so far once more. */
    private Expr binaryChain(int level, boolean inTemplateArgs, Expr first) {
        Expr left = first;
        while (true) {
            Token t = peek();
            if (t.kind() != TokenKind.PUNCT || pendingGreater) {
                return left;
            }
            String match = null;
            for (String s : LEVELS[level]) {
                if (t.text().equals(s)) {
                    match = s;
                }
            }
            if (match == null || (inTemplateArgs && (match.equals(">") || match.equals(">>")))) {
                return left;
            }
            next();
            enter(t);
            Expr right = binary(level + 1, inTemplateArgs);
            left = new Expr.Binary(t.pos(), binaryOp(match), left, right);
        }
    }

    private Expr unary() {
        Token t = peek();
        enter(t);
        try {
            return unaryInner(t);
        } finally {
            leave();
        }
    }

    private Expr unaryInner(Token t) {
        if (t.kind() == TokenKind.PUNCT) {
            switch (t.text()) {
                case "-" -> {
                    next();
                    return new Expr.Unary(t.pos(), UnaryOp.NEG, unary());
                }
                case "+" -> {
                    next();
                    return new Expr.Unary(t.pos(), UnaryOp.PLUS, unary());
                }
                case "!" -> {
                    next();
                    return new Expr.Unary(t.pos(), UnaryOp.NOT, unary());
                }
                case "~" -> {
                    next();
                    return new Expr.Unary(t.pos(), UnaryOp.BIT_NOT, unary());
                }
                case "*" -> {
                    next();
                    return new Expr.Unary(t.pos(), UnaryOp.DEREF, unary());
                }
                case "&" -> {
                    next();
                    return new Expr.Unary(t.pos(), UnaryOp.ADDR, unary());
                }
                case "&&" -> throw error(t, "taking the address of a label is not supported");
                case "++" -> {
                    next();
                    return new Expr.Unary(t.pos(), UnaryOp.PRE_INC, unary());
                }
                case "--" -> {
                    next();
                    return new Expr.Unary(t.pos(), UnaryOp.PRE_DEC, unary());
                }
                case "(" -> {
                    if (isCastAhead()) {
                        next();
                        TypeSyntax type = typeName();
                        expect(")", "after the type in a cast");
                        if (at("{")) {
                            throw error(peek(), "compound literals are not supported");
                        }
                        return new Expr.Cast(t.pos(), type, unary(), Expr.CastKind.C_STYLE);
                    }
                }
                default -> { }
            }
        }
        if (t.is("sizeof")) {
            next();
            if (at("(") && isCastAhead()) {
                next();
                TypeSyntax type = typeName();
                expect(")", "after the type in sizeof");
                return new Expr.SizeofType(t.pos(), type);
            }
            if (at("...")) {
                throw error(peek(), "sizeof... is not supported");
            }
            return new Expr.SizeofExpr(t.pos(), unary());
        }
        if (t.is("alignof") || t.is("__alignof__")) {
            next();
            expect("(", "after alignof");
            TypeSyntax type = typeName();
            expect(")", "after the type in alignof");
            return new Expr.AlignofType(t.pos(), type);
        }
        return postfix(primary());
    }

    /** After '(' : is this a parenthesized type (a cast or sizeof(type))? */
    private boolean isCastAhead() {
        int save = p;
        p++;
        boolean r = startsTypeName();
        p = save;
        return r;
    }

    private Expr postfix(Expr first) {
        int saved = nesting;
        try {
            return postfixChain(first);
        } finally {
            nesting = saved;
        }
    }

    /** Subscripts, calls, members and increments after a primary: each nests the tree once more. */
    private Expr postfixChain(Expr first) {
        Expr e = first;
        while (true) {
            Token t = peek();
            if (at("[") || at("(") || at(".") || at("->") || at("++") || at("--")) {
                enter(t);
            }
            if (accept("[")) {
                Expr index = expression();
                expect("]", "to close the subscript");
                e = new Expr.Index(t.pos(), e, index);
            } else if (accept("(")) {
                List<Expr> args = new ArrayList<>();
                if (!at(")")) {
                    do {
                        args.add(at("{") ? braced() : assignment());
                    } while (accept(","));
                }
                if (!at(")")) {
                    throw error(peek(), "expected ',' or ')' in argument list, found " + peek().describe());
                }
                next();
                e = new Expr.Call(t.pos(), e, args);
            } else if (at(".") || at("->")) {
                next();
                Token name = peek();
                if (!name.isIdent()) {
                    throw error(name, "expected member name after '" + t.text() + "', found " + name.describe());
                }
                next();
                e = new Expr.Member(name.pos(), e, name.text(), t.is("->"));
            } else if (accept("++")) {
                e = new Expr.Unary(t.pos(), UnaryOp.POST_INC, e);
            } else if (accept("--")) {
                e = new Expr.Unary(t.pos(), UnaryOp.POST_DEC, e);
            } else {
                return e;
            }
        }
    }

    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case NUMBER -> {
                next();
                if (Literals.isFloating(t.text())) {
                    return new Expr.FloatLit(t.pos(), Literals.parseFloating(t.text(), t.pos()), t.text());
                }
                return new Expr.IntLit(t.pos(), Literals.parseInteger(t.text(), t.pos()), t.text());
            }
            case CHAR -> {
                next();
                return new Expr.CharLit(t.pos(), Literals.parseChar(t.text(), t.pos()));
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder();
                while (peek().kind() == TokenKind.STRING) {
                    Token s = next();
                    sb.append(Literals.parseString(s.text(), s.pos()));
                }
                return new Expr.StringLit(t.pos(), sb.toString());
            }
            case EOF -> throw error(t, "expected expression, found end of input");
            default -> { }
        }
        if (accept("(")) {
            Expr e = expression();
            expect(")", "to close the parenthesized expression");
            return e;
        }
        if (t.is("true") || t.is("false")) {
            next();
            return new Expr.BoolLit(t.pos(), t.is("true"));
        }
        if (t.is("nullptr") || t.is("NULL")) {
            next();
            return new Expr.NullPtr(t.pos());
        }
        if (t.is("static_cast") || t.is("reinterpret_cast") || t.is("const_cast") || t.is("dynamic_cast")) {
            next();
            if (t.is("dynamic_cast")) {
                throw error(t, "dynamic_cast is not supported in device code");
            }
            expect("<", "after " + t.text());
            TypeSyntax type = typeName();
            expectGreater("to close the cast type");
            expect("(", "after the cast type");
            Expr e = expression();
            expect(")", "to close the cast");
            Expr.CastKind kind = t.is("static_cast") ? Expr.CastKind.STATIC
                    : t.is("reinterpret_cast") ? Expr.CastKind.REINTERPRET : Expr.CastKind.CONST;
            return new Expr.Cast(t.pos(), type, e, kind);
        }
        if (t.is("this")) {
            throw error(t, "'this' is not supported: member functions are not supported in device code");
        }
        if (t.is("new") || t.is("delete")) {
            throw error(t, "'" + t.text() + "' (dynamic allocation) is not supported in device code");
        }
        if (t.is("[")) {
            throw error(t, "lambdas are not supported in device code");
        }
        if (t.is("asm") || t.is("__asm__")) {
            throw error(t, "inline PTX assembly (asm) is not supported");
        }
        if (t.isIdent() && TYPE_KEYWORDS.contains(t.text()) && !t.is("struct") && !t.is("enum") && !t.is("union")
                && !t.is("class") && !t.is("auto")) {
            // functional cast: float(x), unsigned(x)
            TypeSyntax type = declSpecifiers(new Specifiers()).type;
            return functionalCast(t, type);
        }
        int len = qualifiedNameLength(p);
        if (len > 0) {
            String name = qualifiedNameAt(p, len);
            if (isKeyword(name)) {
                throw error(t, "expected expression, found '" + name + "'");
            }
            Token after = peek(len);
            if (isTypeName(name) && (after.is("(") || after.is("{")
                    || (after.is("<") && templateStructs.contains(simpleName(name))))) {
                p += len;
                List<TypeSyntax.TemplateArg> args = List.of();
                if (at("<")) {
                    args = templateArgs();
                }
                return functionalCast(t, new TypeSyntax.Named(t.pos(), name, args));
            }
            p += len;
            List<TypeSyntax.TemplateArg> targs = List.of();
            if (at("<") && (templateFunctions.contains(simpleName(name)) || isBuiltinTemplate(simpleName(name)))) {
                targs = templateArgs();
            }
            return new Expr.Ident(t.pos(), name, targs);
        }
        throw error(t, "expected expression, found " + t.describe());
    }

    private static boolean isBuiltinTemplate(String name) {
        return name.equals("tiled_partition") || name.equals("min") || name.equals("max");
    }

    private Expr functionalCast(Token t, TypeSyntax type) {
        if (at("{")) {
            Expr.InitList list = (Expr.InitList) braced();
            List<Expr> args = new ArrayList<>();
            for (Initializer i : list.elements()) {
                if (!(i instanceof Initializer.Single s)) {
                    throw error(t, "nested braces are not supported in this position");
                }
                args.add(s.value());
            }
            return args.size() == 1 ? new Expr.Cast(t.pos(), type, args.get(0), Expr.CastKind.FUNCTIONAL)
                    : new Expr.Construct(t.pos(), type, args);
        }
        Token open = expect("(", "after type name '" + describeType(type) + "' in an expression");
        List<Expr> args = new ArrayList<>();
        if (!at(")")) {
            do {
                args.add(assignment());
            } while (accept(","));
        }
        expect(")", "to close the functional cast");
        if (args.size() == 1) {
            return new Expr.Cast(t.pos(), type, args.get(0), Expr.CastKind.FUNCTIONAL);
        }
        return new Expr.Construct(open.pos(), type, args);
    }

    private static String describeType(TypeSyntax t) {
        if (t instanceof TypeSyntax.Named n) {
            return n.name();
        }
        if (t instanceof TypeSyntax.Builtin b) {
            return b.kind() == null ? "void" : b.kind().spelling();
        }
        return "type";
    }

    private List<TypeSyntax.TemplateArg> templateArgs() {
        Token open = expect("<", "to open template arguments");
        enter(open);
        List<TypeSyntax.TemplateArg> args = new ArrayList<>();
        if (!at(">")) {
            do {
                if (startsTypeName()) {
                    args.add(new TypeSyntax.TypeArg(typeName()));
                } else {
                    args.add(new TypeSyntax.ValueArg(binary(0, true)));
                }
            } while (accept(","));
        }
        expectGreater("to close the template argument list");
        leave();
        return args;
    }
}
