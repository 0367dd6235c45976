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
import io.cudawasm.kernels.source.CompileLimitException;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ScalarKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
            "thread_block", "thread_block_tile", "thread_group", "grid_group", "cluster_group", "coalesced_group", "block_tile_memory",
            "cudaError_t", "half", "__half", "half2", "__half2", "__nv_bfloat16", "nv_bfloat16", "__nv_bfloat162", "nv_bfloat162",
            "cudaTextureObject_t", "cudaSurfaceObject_t", "clock_t", "cudaStream_t", "cudaGraphConditionalHandle");

    private static final Set<String> TYPE_KEYWORDS = Set.of(
            "void", "bool", "_Bool", "char", "short", "int", "long", "signed", "unsigned", "float", "double",
            "struct", "union", "class", "enum", "auto", "__int64");

    private static final Set<String> SPECIFIER_KEYWORDS = Set.of(
            "__global__", "__device__", "__host__", "__shared__", "__constant__", "__managed__", "static",
            "extern", "inline", "__inline__", "__forceinline__", "__noinline__", "register", "constexpr",
            "const", "volatile", "__restrict__", "__restrict", "restrict", "__launch_bounds__", "__align__",
            "__attribute__", "alignas", "typename", "__device_builtin__", "mutable", "thread_local", "virtual",
            "explicit", "__grid_constant__", "__cluster_dims__");

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
    /** Function pointer types declared by typedefs at file scope (skipped: device code cannot use them). */
    private final Set<String> functionPointerTypes = new HashSet<>();
    /** Function templates skipped as host code: their explicit instantiations are host code too. */
    private final Set<String> hostTemplateFunctions = new HashSet<>();
    /** The types each class declares inside it, seen unqualified in its members defined outside it. */
    private final Map<String, Set<String>> classTypeNames = new java.util.HashMap<>();
    /** A '>' left over from splitting '>>' when closing nested template argument lists. */
    private boolean pendingGreater;
    /** Whether a call of {@code cuda::ptx::cp_async_bulk} with a {@code ctaMask} was read. */
    private boolean multicasts;

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

    // ------------------------------------------------------------------ inline assembly

    /**
     * {@code asm [volatile] ("template" : outputs : inputs : clobbers);} with adjacent string
     * literals joined, as GCC and nvcc read it. {@code ::} between sections is two colons.
     */
    private Stmt asmStatement() {
        Token start = next();
        enter(start);
        try {
            while (at("volatile") || at("__volatile__") || at("__volatile") || at("inline") || at("goto")) {
                Token q = next();
                if (q.is("goto")) {
                    throw error(q, "asm goto is not supported");
                }
            }
            expect("(", "after 'asm'");
            String template = asmStrings("the assembly template");
            List<Stmt.AsmOperand> outputs = new ArrayList<>();
            List<Stmt.AsmOperand> inputs = new ArrayList<>();
            List<String> clobbers = new ArrayList<>();
            boolean extended = false;
            int section = 0; // colons seen: 1 outputs, 2 inputs, 3 clobbers
            while (at(":") || at("::")) {
                extended = true;
                section += next().is("::") ? 2 : 1;
                if (section > 3) {
                    throw error(peek(), "too many ':' sections in the asm statement (outputs, inputs and clobbers)");
                }
                if (at(":") || at("::") || at(")")) {
                    continue;
                }
                do {
                    if (section == 3) {
                        clobbers.add(asmStrings("a clobber"));
                    } else {
                        (section == 1 ? outputs : inputs).add(asmOperand());
                    }
                    // nvcc also takes operands without the comma between them ("r"(a) "l"(p)), as samples write
                } while (accept(",") || section < 3 && peek().kind() == TokenKind.STRING);
            }
            expect(")", "to close the asm statement");
            expect(";", "after the asm statement");
            if (template.contains("multicast::cluster")) {
                multicasts = true; // an inline multicast: the checker keeps transaction counts for the whole file
            }
            return new Stmt.Asm(start.pos(), template, extended, outputs, inputs, clobbers);
        } finally {
            leave();
        }
    }

    private Stmt.AsmOperand asmOperand() {
        Token t = peek();
        if (at("[")) {
            throw error(t, "named asm operands ('[name]') are not supported; use %0, %1, ...");
        }
        String constraint = asmStrings("an operand constraint such as \"r\"");
        expect("(", "after the operand constraint");
        Expr value = expression();
        expect(")", "to close the asm operand");
        return new Stmt.AsmOperand(t.pos(), constraint, value);
    }

    /** One or more adjacent string literals, joined. */
    private String asmStrings(String what) {
        if (peek().kind() != TokenKind.STRING) {
            throw error(peek(), "expected " + what + " (a string literal), found " + peek().describe());
        }
        StringBuilder sb = new StringBuilder();
        while (peek().kind() == TokenKind.STRING) {
            Token s = next();
            sb.append(Literals.parseString(s.text(), s.pos()));
        }
        return sb.toString();
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

    /**
     * {@code __cluster_dims__(x, y, z)}: the blocks of each cluster of this shape run at the same time
     * and reach each other's shared memory. Omitted dimensions are 1; each must be an integer
     * constant, and the cluster at most {@link io.cudawasm.kernels.kir.ClusterDims#MAX_BLOCKS} blocks,
     * CUDA's portable limit.
     */
    private List<Integer> clusterDims(Token t) {
        expect("(", "after __cluster_dims__");
        List<Integer> dims = new ArrayList<>();
        long blocks = 1;
        do {
            Expr e = assignment();
            if (!(e instanceof Expr.IntLit lit) || lit.value().value() < 1 || lit.value().value() > 1024) {
                throw error(t, "__cluster_dims__ needs integer constants from 1 up, like __cluster_dims__(2, 1, 1)");
            }
            dims.add((int) lit.value().value());
            blocks *= lit.value().value();
        } while (accept(",") && dims.size() < 3);
        expect(")", "after the cluster dimensions");
        if (blocks > io.cudawasm.kernels.kir.ClusterDims.MAX_BLOCKS) {
            throw error(t, "__cluster_dims__ of " + blocks + " blocks: a cluster holds at most "
                    + io.cudawasm.kernels.kir.ClusterDims.MAX_BLOCKS + " blocks (CUDA's portable cluster size)");
        }
        while (dims.size() < 3) {
            dims.add(1);
        }
        return List.copyOf(dims);
    }

    /**
     * {@code C::member x}: a class's member type (a typedef inside a class, which the parser does not
     * track), as a name followed by a name is no expression.
     */
    private boolean isMemberTypeName(String name, Token after) {
        int at = name.lastIndexOf("::");
        return at > 0 && isTypeName(name.substring(0, at)) && after.isIdent() && !isKeyword(after.text());
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
        s = s.startsWith("::") ? s.substring(2) : s;
        int at = s.lastIndexOf("::");
        String asyncName = AsyncCopyNames.reserved(s, namespaceAliases, tokens.get(from));
        if (asyncName != null) {
            return asyncName;
        }
        if (at > 0 && COOPERATIVE_GROUPS_FUNCTORS.contains(s.substring(at + 2))) {
            String ns = s.substring(0, at);
            if (namespaceAliases.getOrDefault(ns, ns).equals("cooperative_groups")) {
                // cg::plus<int> and friends: the built-in header defines them under reserved names
                return "__cg_" + s.substring(at + 2);
            }
        }
        return s;
    }

    private static final Set<String> COOPERATIVE_GROUPS_FUNCTORS = Set.of("plus", "less", "greater", "bit_and", "bit_or",
            "bit_xor");
    private final Map<String, String> namespaceAliases = new java.util.HashMap<>();

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
        Token after = peek(len);
        if (!isTypeName(name)) {
            return isMemberTypeName(name, after);
        }
        // T x; T* x; T& x; T<..> x; but not T(x) (a functional cast) or T::member
        return after.isIdent() || after.is("*") || after.is("&") || after.is("<") || after.is("&&");
    }

    // ------------------------------------------------------------------ translation unit

    private TranslationUnit translationUnit() {
        List<Decl> decls = new ArrayList<>();
        while (!peek().isEof()) {
            externalDeclaration(decls, EnumSet.noneOf(FunctionSpecifier.class));
        }
        return new TranslationUnit(file, decls, multicasts);
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
                namespaceAliases.put(name, target);
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
            int save = p;
            int declared = out.size();
            try {
                typedef(out); // a function pointer type too: device code may use it
                return;
            } catch (CompileLimitException limit) {
                throw limit;
            } catch (CompileException e) {
                p = save;
                out.subList(declared, out.size()).clear();
                if (!hostTypedef()) {
                    throw e;
                }
            }
            return;
        }
        declaration(out, inherited, List.of(), true);
    }

    private static Set<FunctionSpecifier> withExternC(Set<FunctionSpecifier> s) {
        Set<FunctionSpecifier> r = EnumSet.noneOf(FunctionSpecifier.class);
        r.addAll(s);
        r.add(FunctionSpecifier.EXTERN_C);
        return r;
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
        if (!at("<")) {
            explicitInstantiation(t, out);
            return;
        }
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
            if (params.isEmpty() || at("<")) {
                // template <> struct S<double> {...}: an explicit (or, with parameters, partial) specialization
                if (!templateStructs.contains(name)) {
                    throw error(kw, "'" + name + "' is not a struct template");
                }
                if (!params.isEmpty()) {
                    throw error(kw, "partial specializations of struct templates are not supported");
                }
                List<TypeSyntax.TemplateArg> args = templateArgs();
                TypeSyntax.StructDef def = structBody(kw.pos(), name, kw.is("union"), 0);
                expect(";", "after struct specialization");
                popScope();
                out.add(new Decl.StructSpecialization(t.pos(), name, args, def));
                return;
            }
            templateStructs.add(name);
            if (at(";")) {
                next(); // a declaration of the template only
                popScope();
                return;
            }
            List<TypeSyntax.Member> bases = baseClause(name);
            if (!at("{")) {
                throw error(peek(), "expected '{' in the definition of struct template '" + name + "'");
            }
            TypeSyntax.StructDef def = withBases(structBody(kw.pos(), name, kw.is("union"), 0), bases);
            expect(";", "after struct template definition");
            popScope();
            out.add(new Decl.StructTemplate(t.pos(), name, params, def));
            return;
        }
        List<Decl> inner = new ArrayList<>();
        declaration(inner, inherited, params, true);
        popScope();
        for (Decl d : inner) {
            if (!(d instanceof Decl.Function) && !(d instanceof Decl.HostFunction)
                    && !(d instanceof Decl.ExplicitInstantiation) && !(d instanceof Decl.MemberDefinition)) {
                throw error(t, "only function and struct templates are supported");
            }
            if (params.isEmpty() && d instanceof Decl.Function f && !f.isSpecialization()) {
                // template <> with the arguments deduced from the parameter types
                d = f.asSpecialization(List.of());
            }
            out.add(d);
        }
    }

    /**
     * Launches of template kernels in host code ({@code reduce<256, true><<<grid, block>>>(...)}), which
     * instantiate them as nvcc does: recorded as instantiations without parameter types (made when
     * their arguments are constants; a launch inside a host template, {@code k<T><<<...>>>}, is not).
     */
    private void collectLaunches(int from, int to, List<Decl> out) {
        int saved = p;
        boolean savedGreater = pendingGreater;
        try {
            for (int i = from; i + 3 < to; i++) {
                Token t = tokens.get(i);
                if (!t.isIdent() || !templateFunctions.contains(t.text()) || !tokens.get(i + 1).is("<")) {
                    continue;
                }
                p = i + 1;
                pendingGreater = false;
                try {
                    List<TypeSyntax.TemplateArg> args = templateArgs();
                    if (!pendingGreater && at("<<") && peek(1).is("<")) {
                        out.add(new Decl.ExplicitInstantiation(t.pos(), t.text(), args, null));
                    }
                } catch (CompileException e) {
                    // not a launch this parser reads: nvcc's host pass is not ours to repeat
                }
            }
        } finally {
            p = saved;
            pendingGreater = savedGreater;
        }
    }

    /** {@code template void launch<int>(int*);} and {@code template struct S<int>;}. */
    private void explicitInstantiation(Token t, List<Decl> out) {
        if (at("struct") || at("class") || at("union")) {
            while (!at(";") && !peek().isEof()) {
                next();
            }
            expect(";", "after explicit instantiation");
            return;
        }
        int start = p;
        Specifiers s;
        Declarator d;
        try {
            s = declSpecifiers(new Specifiers());
            d = declarator(s.type, false, true);
        } catch (CompileLimitException e) {
            throw e;
        } catch (CompileException e) {
            for (int k = start; !tokens.get(k).is("(") && !tokens.get(k).is(";") && !tokens.get(k).isEof(); k++) {
                if (hostTemplateFunctions.contains(tokens.get(k).text())) {
                    // 'template void integrate<float>(..., cudaGraphicsResource **r);': host code, like the template
                    p = k;
                    while (!at(";") && !peek().isEof()) {
                        next();
                    }
                    expect(";", "after explicit instantiation");
                    return;
                }
            }
            throw e;
        }
        if (d.params == null) {
            throw error(d.nameTok, "expected a function in the explicit instantiation of '" + d.name + "'");
        }
        expect(";", "after explicit instantiation");
        out.add(new Decl.ExplicitInstantiation(t.pos(), d.name, d.templateArgs, d.params));
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

    /**
     * {@code typedef pthread_t CUTThread;}: a typedef of a type only host headers declare, or of a
     * function pointer type, skipped like the host code that uses it (device code naming it finds an
     * unknown type). Returns false, the cursor unmoved, for any other typedef.
     */
    private boolean hostTypedef() {
        int q = p + 1;
        while (tokens.get(q).isIdent() && SPECIFIER_KEYWORDS.contains(tokens.get(q).text())) {
            q++;
        }
        int len = qualifiedNameLength(q);
        boolean functionPointer = false;
        for (int k = q; !tokens.get(k).is(";") && !tokens.get(k).is("{") && !tokens.get(k).isEof(); k++) {
            // typedef void *(*ROUTINE)(void *): a host thread routine's type
            functionPointer |= tokens.get(k).is("(") && tokens.get(k + 1).is("*");
        }
        if (!functionPointer && (len == 0 || isKeyword(tokens.get(q).text()) || TYPE_KEYWORDS.contains(tokens.get(q).text())
                || isTypeName(qualifiedNameAt(q, len)))) {
            return false;
        }
        Token after = tokens.get(Math.min(q + len, tokens.size() - 1));
        if (!functionPointer && !(after.isIdent() || after.is("*") || after.is("&") || after.is("<"))) {
            return false;
        }
        Token start = next();
        while (!at(";")) {
            Token t = next();
            if (t.isEof()) {
                throw error(start, "expected ';' after typedef");
            }
            if (functionPointer && t.is("(") && at("*") && peek(1).isIdent()) {
                functionPointerTypes.add(peek(1).text()); // named in device code, it is refused as what it is
            }
            if (t.is("(") || t.is("[") || t.is("{")) {
                skipBalanced(t, t.is("(") ? ")" : t.is("[") ? "]" : "}");
            }
        }
        next();
        return true;
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
                        def.withTag(d.name));
                d.type = base;
            }
            first = false;
            if (d.params != null) {
                d.type = new TypeSyntax.Function(d.pos, d.type, d.params); // a function type: used through pointers
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
        boolean isVirtual;
        /** {@code __cluster_dims__(x, y, z)}, or null. */
        List<Integer> clusterDims;
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
        boolean typenameSeen = false;
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
                case "typename" -> typenameSeen = true;
                case "register", "mutable", "__device_builtin__", "thread_local", "explicit",
                        "__grid_constant__" -> { }
                case "virtual" -> s.isVirtual = true;
                case "constexpr", "const" -> s.isConst = true;
                case "volatile" -> s.isVolatile = true;
                case "__restrict__", "__restrict", "restrict" -> { }
                case "__launch_bounds__" -> {
                    next();
                    Token open = expect("(", "after __launch_bounds__");
                    skipBalanced(open, ")");
                    continue;
                }
                case "__cluster_dims__" -> {
                    s.clusterDims = clusterDims(next());
                    continue;
                }
                case "__align__", "alignas" -> {
                    next();
                    expect("(", "after " + w);
                    Expr e = assignment();
                    expect(")", "after alignment");
                    if (e instanceof Expr.IntLit lit) {
                        s.align = alignment(t, lit.value().value());
                    } else if (!(e instanceof Expr.AlignofType)) {
                        // alignas(alignof(float4)) (the async-copy samples' shared arrays) asks for no more
                        // than the layout gives variables here; other expressions stay refused
                        throw error(t, w + " needs an integer constant");
                    }
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
                    if (!isTypeName(name) && !typenameSeen && !isMemberTypeName(name, peek(len))) {
                        break;
                    }
                    p += len;
                    List<TypeSyntax.TemplateArg> args = List.of();
                    if (at("<") && (templateStructs.contains(simpleName(name)) || simpleName(name).equals("thread_block_tile")
                            || simpleName(name).equals("block_tile_memory"))) {
                        args = templateArgs();
                    }
                    s.type = new TypeSyntax.Named(t.pos(), name, args);
                    while (!args.isEmpty() && at("::") && peek(1).isIdent() && !peek(2).is("(")) {
                        // typename vec3<T>::Type: a type declared in a class template's instance
                        next();
                        s.type = new TypeSyntax.Nested(peek().pos(), s.type, next().text());
                    }
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
                if (t.isIdent() && functionPointerTypes.contains(t.text())) {
                    throw error(t, "'" + t.text() + "' is a function pointer type of host code (it names types "
                            + "only host headers declare)");
                }
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

    /** The largest {@code __align__}/{@code alignas} taken: a page (the swizzled TMA tiles ask for 1,024). */
    static final int MAX_ALIGNMENT = 4096;

    /** An alignment as written: a power of two up to {@link #MAX_ALIGNMENT}. */
    private int alignment(Token at, long value) {
        if (value < 1 || value > MAX_ALIGNMENT || (value & (value - 1)) != 0) {
            throw error(at, at.text() + "(" + value + "): an alignment is a power of two from 1 to " + MAX_ALIGNMENT);
        }
        return (int) value;
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
                align = alignment(a, lit.value().value());
            }
        }
        String tag = peek().isIdent() && !isKeyword(peek().text()) ? next().text() : null;
        List<TypeSyntax.Member> bases = tag != null && at(":") ? baseClause(tag) : List.of();
        if (at("{")) {
            String name = tag != null ? tag : "__anon" + kw.pos().line() + "_" + kw.pos().column();
            if (tag != null) {
                declareType(tag);
            }
            TypeSyntax.StructDef def = withBases(structBody(kw.pos(), name, union, align), bases);
            return new TypeSyntax.StructRef(kw.pos(), name, union, def);
        }
        if (tag == null) {
            throw error(peek(), "expected a struct name or '{' after '" + kw.text() + "'");
        }
        declareType(tag);
        return new TypeSyntax.StructRef(kw.pos(), tag, union, null);
    }

    /** Hidden fields holding a class's base subobjects are named this, then the base's name. */
    public static final String BASE_FIELD = "cw_base_";

    /** Hidden fields holding a class's virtual base subobjects are named this, then the base's name. */
    public static final String VIRTUAL_BASE_FIELD = "cw_vbase_";

    /** Hidden fields holding the offset from a subobject to its virtual base are named this, then the base's name. */
    public static final String VIRTUAL_BASE_OFFSET_FIELD = "cw_voff_";

    /**
     * {@code : public A, protected B<T>, virtual C}: non-virtual bases, as the hidden leading fields
     * that hold their subobjects ({@code cw_base_A}), in declaration order as the Itanium ABI lays
     * them out; a virtual base as {@code cw_vbase_C} (placed by {@link #withBases}).
     */
    private List<TypeSyntax.Member> baseClause(String tag) {
        List<TypeSyntax.Member> bases = new ArrayList<>();
        if (!accept(":")) {
            return bases;
        }
        do {
            boolean virtual = false;
            while (at("public") || at("protected") || at("private") || at("virtual")) {
                virtual |= next().text().equals("virtual");
            }
            Token t = peek();
            TypeSyntax base = declSpecifiers(new Specifiers()).type;
            String name = TypeSyntax.unqualified(base) instanceof TypeSyntax.Named n ? simpleName(n.name())
                    : TypeSyntax.unqualified(base) instanceof TypeSyntax.StructRef r ? r.tag() : null;
            if (name == null) {
                throw error(t, "expected a base class of '" + tag + "'");
            }
            String field = (virtual ? VIRTUAL_BASE_FIELD : BASE_FIELD) + name;
            for (TypeSyntax.Member m : bases) {
                if (baseName(m).equals(name)) {
                    throw error(t, "'" + name + "' is a base of '" + tag + "' twice");
                }
            }
            bases.add(new TypeSyntax.Member(t.pos(), field, base));
        } while (accept(","));
        return bases;
    }

    private static String baseName(TypeSyntax.Member base) {
        return base.name().substring(base.name().startsWith(BASE_FIELD) ? BASE_FIELD.length()
                : VIRTUAL_BASE_FIELD.length());
    }

    /** Each class's virtual bases, direct and inherited, in the order their subobjects are laid out. */
    private final Map<String, List<TypeSyntax.Member>> virtualBases = new HashMap<>();

    private TypeSyntax.StructDef withBases(TypeSyntax.StructDef def, List<TypeSyntax.Member> bases) {
        if (bases.isEmpty()) {
            return def;
        }
        List<TypeSyntax.Member> own = new ArrayList<>(def.members());
        boolean declaresVirtual = !own.isEmpty() && own.get(0).name().equals(VPTR_FIELD);
        boolean inheritsVirtual = bases.stream().anyMatch(b -> polymorphicClasses.contains(baseName(b)));
        List<TypeSyntax.Member> members = new ArrayList<>();
        if (declaresVirtual) {
            // a polymorphic base already holds the class id; else it leads, before the bases, as the vtable pointer does
            TypeSyntax.Member vptr = own.remove(0);
            if (!inheritsVirtual) {
                members.add(vptr);
            }
        }
        if (inheritsVirtual) {
            polymorphicClasses.add(def.tag());
        }
        // virtual bases (check/VirtualBases): every one, direct or inherited, at the end; an offset
        // to it where the vtable pointer would be, unless a non-virtual base already holds one
        List<TypeSyntax.Member> nonVirtual = new ArrayList<>();
        Map<String, TypeSyntax.Member> shared = new LinkedHashMap<>();
        Set<String> reachedByBase = new HashSet<>();
        for (TypeSyntax.Member b : bases) {
            for (TypeSyntax.Member inherited : virtualBases.getOrDefault(baseName(b), List.of())) {
                shared.putIfAbsent(baseName(inherited), inherited);
                if (b.name().startsWith(BASE_FIELD)) {
                    reachedByBase.add(baseName(inherited));
                }
            }
            if (b.name().startsWith(VIRTUAL_BASE_FIELD)) {
                shared.putIfAbsent(baseName(b), b);
            } else {
                nonVirtual.add(b);
            }
        }
        for (TypeSyntax.Member v : shared.values()) {
            if (!reachedByBase.contains(baseName(v))) {
                members.add(new TypeSyntax.Member(v.pos(), VIRTUAL_BASE_OFFSET_FIELD + baseName(v),
                        new TypeSyntax.Builtin(v.pos(), ScalarKind.LONGLONG)));
            }
        }
        if (!shared.isEmpty()) {
            virtualBases.put(def.tag(), List.copyOf(shared.values()));
        }
        members.addAll(nonVirtual);
        members.addAll(own);
        members.addAll(shared.values());
        return new TypeSyntax.StructDef(def.pos(), def.tag(), def.union(), def.explicitAlign(), members, def.methods(),
                def.statics(), def.nested(), def.hostOnly());
    }

    private static final Set<String> MEMBER_SPECIFIERS = Set.of("__device__", "__host__", "__forceinline__",
            "__inline__", "inline", "static", "virtual", "explicit", "constexpr", "__noinline__", "friend");

    /**
     * A struct or class body: data members (bit-fields and default member initializers among them),
     * member functions defined in the class (constructors, operators and conversion operators among
     * them; those without {@code __device__} are host code and skipped), static constants, nested
     * types, access specifiers.
     */
    private TypeSyntax.StructDef structBody(SourcePos pos, String name, boolean union, int align) {
        Token open = expect("{", "to open the struct body");
        enter(open);
        List<TypeSyntax.Member> members = new ArrayList<>();
        List<TypeSyntax.Method> methods = new ArrayList<>();
        List<TypeSyntax.StaticMember> statics = new ArrayList<>();
        List<Decl> nested = new ArrayList<>();
        Set<String> memberNames = new HashSet<>(); // a set, not a scan: a struct may have 100,000 members
        String hostOnly = null;
        pushScope();
        while (!accept("}")) {
            if (peek().isEof()) {
                throw error(open, "expected '}' at end of struct '" + name + "'");
            }
            budget.checkpoint(peek().pos());
            if (accept(";")) {
                continue;
            }
            if ((at("public") || at("private") || at("protected")) && peek(1).is(":")) {
                next();
                next();
                continue;
            }
            if (at("template")) {
                throw error(peek(), "member templates are not supported in device code");
            }
            if (at("typedef")) {
                typedef(nested);
                continue;
            }
            if (at("using")) {
                usingDeclaration(nested);
                continue;
            }
            if (at("static_assert")) {
                skipStaticAssert();
                continue;
            }
            if (hostMemberOfHostTypes(name, methods)) {
                continue;
            }
            if (memberFunction(name, methods, nested)) {
                continue;
            }
            String unknown = unknownMemberType();
            if (unknown != null) {
                // a member of a type only host headers declare: the struct is host code
                hostOnly = hostOnly != null ? hostOnly : "its member type '" + unknown + "' is declared only for the host";
                skipMember();
                continue;
            }
            Specifiers s = declSpecifiers(new Specifiers());
            if (s.space != MemorySpace.AUTO && s.space != MemorySpace.DEVICE) {
                throw error(s.first, "storage specifiers are not allowed on struct members");
            }
            if (at(";") && s.type instanceof TypeSyntax.StructRef sr && sr.definition() != null
                    && sr.tag().startsWith("__anon")) {
                // an anonymous nested struct/union: its members join the outer struct
                for (TypeSyntax.Member m : sr.definition().members()) {
                    members.add(m);
                    memberNames.add(m.name());
                }
                next();
                continue;
            }
            if (at(";")) {
                next();
                nested.add(new Decl.TypeDefinition(s.first.pos(), s.type)); // a nested struct or enum
                continue;
            }
            if (s.isStatic) {
                staticMember(s, statics, methods, nested);
                continue;
            }
            boolean wasMethod = false;
            do {
                if (at(":")) {
                    // an unnamed bit-field: padding, or ':0' to start a new storage unit
                    Token colon = next();
                    members.add(new TypeSyntax.Member(colon.pos(), "", s.type, conditional()));
                    continue;
                }
                Declarator d = declarator(s.type, false);
                if (d.params != null) {
                    methods.add(method(d, s, TypeSyntax.MethodKind.METHOD, nested));
                    wasMethod = true;
                    break;
                }
                Expr width = accept(":") ? conditional() : null;
                Initializer init = null;
                if (accept("=")) {
                    init = initializer();
                } else if (at("{")) {
                    init = initializer();
                }
                if (!memberNames.add(d.name)) {
                    throw error(d.nameTok, "duplicate member '" + d.name + "'");
                }
                members.add(new TypeSyntax.Member(d.pos, d.name, d.type, width, init));
            } while (accept(","));
            if (!wasMethod) {
                expect(";", "after struct member");
            }
        }
        Set<String> inner = typeScopes.pop();
        classTypeNames.put(name, inner);
        for (String n : inner) {
            declareType(name + "::" + n); // Foo::Type names it from outside
        }
        leave();
        if (virtualDestructors.contains(name)
                || methods.stream().anyMatch(m -> m.function().specifiers().contains(FunctionSpecifier.VIRTUAL))) {
            // where CUDA keeps the vtable pointer: the object's class id here (check/VirtualCalls)
            members.add(0, new TypeSyntax.Member(pos, VPTR_FIELD, new TypeSyntax.Builtin(pos, ScalarKind.ULONGLONG)));
            polymorphicClasses.add(name);
        }
        return new TypeSyntax.StructDef(pos, name, union, align, members, methods, statics, nested, hostOnly);
    }

    /**
     * A member function without {@code __device__} (host code) whose signature names types only
     * host headers declare ({@code void step(float t, cudaStream_t s = 0);},
     * {@code void load(const std::string &name) {...}}): skipped without parsing its types, as host
     * functions at file scope are, and kept by name so that device code calling it is told it is
     * host code. Returns false, the cursor unmoved, for any other member (a host member whose
     * signature parses is kept as it was).
     */
    private boolean hostMemberOfHostTypes(String className, List<TypeSyntax.Method> methods) {
        int start = p;
        int open = hostMemberParameters();
        if (open < 0) {
            return false;
        }
        int savedNesting = nesting;
        boolean savedGreater = pendingGreater;
        try {
            Specifiers s = new Specifiers();
            if (!memberFunction(className, new ArrayList<>(), new ArrayList<>())) {
                s = declSpecifiers(s);
                declarator(s.type, false);
            }
            p = start; // it parses: the ordinary path keeps it
            return false;
        } catch (CompileLimitException e) {
            throw e;
        } catch (CompileException e) {
            nesting = savedNesting;
            pendingGreater = savedGreater;
        }
        Token nameTok = tokens.get(open - 1);
        boolean constructor = nameTok.is(className) && !tokens.get(open - 2).is("~");
        p = open + 1;
        skipBalanced(tokens.get(open), ")");
        while (!at("{") && !at(";") && !at(":") && !at("=")) {
            Token t = next();
            if (t.isEof()) {
                throw error(nameTok, "expected a function body or ';' after member '" + nameTok.text() + "'");
            }
            if (t.is("(") || t.is("[")) {
                skipBalanced(t, t.is("(") ? ")" : "]");
            }
        }
        if (accept(":")) {
            // a member initializer list: name(args) or name{args}, separated by commas
            do {
                while (!at("(") && !at("{") && !peek().isEof()) {
                    next();
                }
                Token o = next();
                skipBalanced(o, o.is("(") ? ")" : "}");
            } while (accept(","));
        }
        if (accept("=")) {
            next(); // default, delete, 0
        }
        Token end = next();
        if (end.is("{")) {
            skipBalanced(end, "}");
        } else if (!end.is(";")) {
            throw error(end, "expected a function body or ';' after member '" + nameTok.text() + "', found " + end.describe());
        }
        String name = constructor ? className : tokens.get(open - 2).is("operator") ? "operator" + nameTok.text()
                : nameTok.text();
        methods.add(new TypeSyntax.Method(new Decl.Function(nameTok.pos(), name, EnumSet.of(FunctionSpecifier.HOST),
                new TypeSyntax.Builtin(nameTok.pos(), null), List.of(), null, List.of()),
                constructor ? TypeSyntax.MethodKind.CONSTRUCTOR : TypeSyntax.MethodKind.METHOD, false, List.of()));
        return true;
    }

    /** The index of the '(' opening a host member function's parameters at the cursor, or -1. */
    private int hostMemberParameters() {
        Token first = peek();
        if (first.is("friend") || first.is("template") || first.is("typedef") || first.is("using") || first.is("~")) {
            return -1;
        }
        int i = p;
        int angle = 0;
        while (true) {
            Token t = tokens.get(Math.min(i, tokens.size() - 1));
            if (t.isEof() || t.isIdent() && (DEVICE_WORDS.contains(t.text()) || t.is("operator"))) {
                return -1;
            }
            if (t.is("<")) {
                angle++;
            } else if (t.is(">") && angle > 0) {
                angle--;
            } else if (t.is(">>") && angle > 0) {
                angle = Math.max(0, angle - 2);
            } else if (angle == 0 && (t.is(";") || t.is("=") || t.is("{") || t.is(":") || t.is("[") || t.is("}"))) {
                return -1;
            } else if (angle == 0 && t.is("(")) {
                Token before = i > p ? tokens.get(i - 1) : null;
                return before != null && before.isIdent() && !isKeyword(before.text()) && !NOT_A_NAME.contains(before.text())
                        ? i : -1;
            }
            i++;
        }
    }

    /** The name of an unknown type a data member starts with ({@code cudaStream_t stream;}), else null. */
    private String unknownMemberType() {
        int q = p;
        while (tokens.get(q).isIdent() && SPECIFIER_KEYWORDS.contains(tokens.get(q).text())) {
            q++;
        }
        int len = qualifiedNameLength(q);
        if (len == 0 || isKeyword(tokens.get(q).text()) || TYPE_KEYWORDS.contains(tokens.get(q).text())) {
            return null;
        }
        String n = qualifiedNameAt(q, len);
        Token after = tokens.get(Math.min(q + len, tokens.size() - 1));
        boolean declares = after.isIdent() || after.is("*") || after.is("&") || after.is("<");
        return declares && !isTypeName(n) && !n.equals(tokens.get(q).text() + "(") ? n : null;
    }

    /** Skips one member declaration up to its ';' (or a body's '}'). */
    private void skipMember() {
        while (!at(";") && !at("}")) {
            Token t = next();
            if (t.isEof()) {
                return;
            }
            if (t.is("(") || t.is("[") || t.is("{")) {
                skipBalanced(t, t.is("(") ? ")" : t.is("[") ? "]" : "}");
                if (t.is("{")) {
                    return; // a function body
                }
            }
        }
        accept(";");
    }

    /** {@code static const int N = 4;}: a constant of the class. */
    private void staticMember(Specifiers s, List<TypeSyntax.StaticMember> statics, List<TypeSyntax.Method> methods,
            List<Decl> nested) {
        do {
            Declarator d = declarator(s.type, false, true);
            if (d.params != null) {
                methods.add(method(d, s, TypeSyntax.MethodKind.METHOD, nested)); // a static member function
                return;
            }
            if (!accept("=")) {
                // its value comes with its definition outside the class ('const float Foo::K = 2.5f;')
                statics.add(new TypeSyntax.StaticMember(d.pos, d.name, d.type, null));
                continue;
            }
            statics.add(new TypeSyntax.StaticMember(d.pos, d.name, d.type, assignment()));
        } while (accept(","));
        expect(";", "after static member");
    }

    /**
     * A constructor, destructor or conversion operator (member functions without a return type):
     * parses it and returns true, or returns false leaving the cursor where it was.
     */
    private boolean memberFunction(String className, List<TypeSyntax.Method> methods, List<Decl> nested) {
        int start = p;
        Set<FunctionSpecifier> spec = EnumSet.noneOf(FunctionSpecifier.class);
        boolean isStatic = false;
        boolean isVirtual = false;
        while (peek().isIdent() && MEMBER_SPECIFIERS.contains(peek().text())
                || at("__launch_bounds__") || at("__attribute__")) {
            Token t = next();
            switch (t.text()) {
                case "virtual" -> isVirtual = true;
                case "__device__" -> spec.add(FunctionSpecifier.DEVICE);
                case "__host__" -> spec.add(FunctionSpecifier.HOST);
                case "__forceinline__" -> spec.add(FunctionSpecifier.FORCEINLINE);
                case "static" -> isStatic = true;
                case "friend" -> {
                    // a friend function defined here is a free function; a friend declaration says nothing
                    p = start;
                    next();
                    friend(nested);
                    return true;
                }
                case "__attribute__", "__launch_bounds__" -> skipBalanced(expect("(", "after " + t.text()), ")");
                default -> { }
            }
        }
        Token t = peek();
        boolean constructor = t.is(className) && peek(1).is("(");
        boolean destructor = t.is("~");
        boolean conversion = t.is("operator");
        if (!constructor && !destructor && !conversion) {
            p = start;
            return false;
        }
        if (destructor) {
            if (isVirtual) {
                virtualDestructors.add(className); // a virtual destructor alone makes the class polymorphic
            }
            next();
            expectIdent("after '~'");
            Token lp = expect("(", "after the destructor's name");
            skipBalanced(lp, ")");
            skipFunctionRest(t);
            return true;
        }
        Declarator d = new Declarator();
        d.pos = t.pos();
        d.nameTok = t;
        TypeSyntax.MethodKind kind;
        if (constructor) {
            next();
            d.name = className;
            d.type = new TypeSyntax.Builtin(t.pos(), null);
            kind = TypeSyntax.MethodKind.CONSTRUCTOR;
        } else {
            next();
            d.name = "operator cast";
            Specifiers target = declSpecifiers(new Specifiers());
            d.type = declarator(target.type, true, false).type;
            kind = TypeSyntax.MethodKind.CONVERSION;
        }
        d.params = parameterList();
        Specifiers s = new Specifiers();
        s.functionSpecifiers.addAll(spec);
        s.isStatic = isStatic;
        s.type = d.type;
        s.first = t;
        methods.add(method(d, s, kind, nested));
        return true;
    }

    /** {@code friend ...}: a function defined in the class is a free function; other friends say nothing. */
    private void friend(List<Decl> nested) {
        int start = p;
        int depth = 0;
        while (!peek().isEof()) {
            Token t = peek();
            if (depth == 0 && (t.is(";") || t.is("{"))) {
                break;
            }
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
                depth--;
            }
            next();
        }
        if (accept(";")) {
            return;
        }
        p = start;
        declaration(nested, EnumSet.noneOf(FunctionSpecifier.class), List.of(), true);
    }

    /** What follows a member function's parameters: qualifiers, then a body, {@code = default}, or {@code ;}. */
    private void skipFunctionRest(Token at) {
        while (!at("{") && !at(";")) {
            if (peek().isEof()) {
                throw error(at, "expected a function body or ';'");
            }
            Token t = next();
            if (t.is("(") || t.is("[")) {
                skipBalanced(t, t.is("(") ? ")" : "]");
            }
        }
        if (next().is("{")) {
            skipBalanced(tokens.get(p - 1), "}");
        }
    }

    /** The rest of a member function after its parameters: qualifiers, member initializers, body. */
    private TypeSyntax.Method method(Declarator d, Specifiers s, TypeSyntax.MethodKind kind, List<Decl> nested) {
        boolean isConst = false;
        while (true) {
            if (accept("const")) {
                isConst = true;
            } else if (accept("volatile") || accept("override") || accept("final") || accept("&")) {
                // nothing to do
            } else if (at("noexcept") || at("throw")) {
                next();
                if (at("(")) {
                    skipBalanced(next(), ")");
                }
            } else if (at("__attribute__")) {
                next();
                skipBalanced(expect("(", "after __attribute__"), ")");
            } else if (at("->")) {
                throw error(peek(), "trailing return types are not supported on member functions");
            } else {
                break;
            }
        }
        Set<FunctionSpecifier> spec = EnumSet.noneOf(FunctionSpecifier.class);
        spec.addAll(s.functionSpecifiers);
        if (s.isStatic) {
            spec.add(FunctionSpecifier.STATIC);
        }
        boolean device = spec.contains(FunctionSpecifier.DEVICE) || spec.contains(FunctionSpecifier.GLOBAL);
        if (s.isVirtual) {
            spec.add(FunctionSpecifier.VIRTUAL);
        }
        List<TypeSyntax.MemberInit> inits = new ArrayList<>();
        Stmt.Block body = null;
        if (accept("=")) {
            Token what = next(); // default, delete or 0 (pure virtual)
            expect(";", "after '= " + what.text() + "'");
            if (what.is("default") && kind == TypeSyntax.MethodKind.CONSTRUCTOR) {
                body = new Stmt.Block(what.pos(), List.of());
            }
        } else if (accept(";")) {
            // declared here, defined outside the class
        } else if (!device) {
            // host code: skipped like a host function
            skipFunctionRest(d.nameTok);
        } else {
            if (accept(":")) {
                do {
                    Token n = peek();
                    String member = expectIdent("in the member initializer list");
                    if (at("<")) {
                        templateArgs(); // a base class template's constructor: Base<T>(v)
                    }
                    List<Expr> args = new ArrayList<>();
                    boolean braced = at("{");
                    Token lp = braced ? next() : expect("(", "after '" + member + "' in the member initializer list");
                    String close = braced ? "}" : ")";
                    if (!at(close)) {
                        do {
                            args.add(assignment());
                        } while (accept(","));
                    }
                    expect(close, "to close the initializer of '" + member + "'");
                    inits.add(new TypeSyntax.MemberInit(n.pos(), member, args, braced));
                    assert lp != null;
                } while (accept(","));
            }
            pushScope();
            body = block();
            popScope();
        }
        if (!device) {
            // a host member function: kept without a body, so a call from device code names it
            return new TypeSyntax.Method(new Decl.Function(d.pos, d.name, spec, d.type, d.params, null, List.of()),
                    kind, isConst, List.of());
        }
        return new TypeSyntax.Method(new Decl.Function(d.pos, d.name, spec, d.type, d.params, body, List.of()), kind,
                isConst, inits);
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
        /** Explicit template arguments after the name ({@code twice<int>} in a specialization). */
        List<TypeSyntax.TemplateArg> templateArgs = List.of();
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
            return nestedDeclarator(type, abstractAllowed, allowFunction);
        }
        if (nameTok.is("operator")) {
            next();
            d.nameTok = nameTok;
            d.name = operatorName(nameTok);
            if (d.name.equals("operator cast")) {
                Specifiers target = declSpecifiers(new Specifiers());
                type = declarator(target.type, true, false).type;
            }
            if (!at("(")) {
                throw error(peek(), "expected '(' after '" + d.name + "'");
            }
            d.params = parameterList();
            d.type = type;
            return d;
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
        if (at("<") && d.name != null && allowFunction && templateFunctions.contains(simpleName(d.name))) {
            d.templateArgs = templateArgs();
        }
        if (at("(") && d.name != null && allowFunction) {
            d.params = parameterList();
            d.type = type;
            return d;
        }
        d.type = arraySuffixes(type, true);
        return d;
    }

    /**
     * The array dimensions after a declarator ({@code [n][m]}) applied to {@code element}: only the
     * first may be empty, and only where {@code firstMayBeEmpty} (not inside a pointer declarator).
     */
    private TypeSyntax arraySuffixes(TypeSyntax element, boolean firstMayBeEmpty) {
        List<Expr> dims = new ArrayList<>();
        List<Token> dimToks = new ArrayList<>();
        while (at("[")) {
            Token open = next();
            enter(open);
            dimToks.add(open);
            dims.add(at("]") ? null : assignment());
            expect("]", "to close the array dimension");
        }
        TypeSyntax type = element;
        for (int i = dims.size() - 1; i >= 0; i--) {
            if (dims.get(i) == null && (i > 0 || !firstMayBeEmpty)) {
                throw error(dimToks.get(i), firstMayBeEmpty ? "only the first dimension of an array may be omitted"
                        : "an array inside a pointer declarator needs a size");
            }
            type = new TypeSyntax.Array(dimToks.get(i).pos(), type, dims.get(i));
        }
        return type;
    }

    /** The hidden leading field of a class with virtual functions, where CUDA keeps its vtable pointer. */
    public static final String VPTR_FIELD = "cw_vptr";

    /** Classes with virtual functions, declared or inherited: their derived classes need no class-id field of their own. */
    private final Set<String> polymorphicClasses = new HashSet<>();

    /** Classes that declare a virtual destructor (destructors themselves are skipped). */
    private final Set<String> virtualDestructors = new HashSet<>();

    /** Stands for the type a nested declarator's suffixes make until they are parsed. */
    private static final String DECLARATOR_HOLE = "<declarator>";

    /**
     * {@code (*f)(int)}, {@code (*ops[2])(int, int)}, {@code (*p)[4]}, {@code (*pick(int))(int)}: the
     * declarator in parentheses applies to the type its suffixes (a parameter list or array
     * dimensions) make of {@code base}, so it is parsed first around a hole that type fills.
     */
    private Declarator nestedDeclarator(TypeSyntax base, boolean abstractAllowed, boolean allowFunction) {
        Token open = next();
        enter(open);
        TypeSyntax hole = new TypeSyntax.Named(open.pos(), DECLARATOR_HOLE, List.of());
        Declarator inner = declaratorChain(hole, abstractAllowed, allowFunction);
        expect(")", "to close the declarator");
        TypeSyntax outer = base;
        if (at("(")) {
            outer = new TypeSyntax.Function(open.pos(), base, parameterList());
            while (accept("const") || accept("volatile") || accept("noexcept")) {
                // qualifiers of the function type mean nothing for a device function pointer
            }
        } else {
            outer = arraySuffixes(base, false);
        }
        inner.type = fillHole(inner.type, hole, outer);
        return inner;
    }

    /** {@code t} with {@code hole} replaced by {@code filler} (the hole sits under pointers, qualifiers and arrays). */
    private static TypeSyntax fillHole(TypeSyntax t, TypeSyntax hole, TypeSyntax filler) {
        if (t == hole) {
            return filler;
        } else if (t instanceof TypeSyntax.Pointer p) {
            return new TypeSyntax.Pointer(p.pos(), fillHole(p.pointee(), hole, filler), p.isConst(), p.isVolatile(),
                    p.restrict());
        } else if (t instanceof TypeSyntax.Qualified q) {
            return new TypeSyntax.Qualified(q.pos(), fillHole(q.base(), hole, filler), q.isConst(), q.isVolatile());
        } else if (t instanceof TypeSyntax.Reference r) {
            return new TypeSyntax.Reference(r.pos(), fillHole(r.referent(), hole, filler));
        } else if (t instanceof TypeSyntax.Array a) {
            return new TypeSyntax.Array(a.pos(), fillHole(a.element(), hole, filler), a.length());
        } else if (t instanceof TypeSyntax.Function f) {
            return new TypeSyntax.Function(f.pos(), fillHole(f.returnType(), hole, filler), f.params());
        }
        return t;
    }

    /** The name of an overloaded operator after 'operator': "operator+", "operator()", ..., or "operator cast". */
    private String operatorName(Token at) {
        if (accept("(")) {
            expect(")", "in 'operator()'");
            return "operator()";
        }
        if (accept("[")) {
            expect("]", "in 'operator[]'");
            return "operator[]";
        }
        Token t = peek();
        if (t.kind() == TokenKind.PUNCT) {
            next();
            return "operator" + t.text();
        }
        if (t.is("new") || t.is("delete")) {
            throw error(t, "'operator " + t.text() + "' is not supported in device code");
        }
        if (!t.isIdent()) {
            throw error(at, "expected an operator after 'operator', found " + t.describe());
        }
        return "operator cast";
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
                // a parameter of function type is a pointer to the function, as in C
                d.type = new TypeSyntax.Pointer(d.pos, new TypeSyntax.Function(d.pos, d.type, d.params), false, false,
                        false);
            }
            Expr defaultValue = accept("=") ? assignment() : null;
            params.add(new Decl.Param(d.pos, d.name == null ? "" : d.name, d.type, defaultValue));
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
        if (fileScope && skipHostDeclaration(out)) {
            if (!template.isEmpty() && !out.isEmpty() && out.get(out.size() - 1) instanceof Decl.HostFunction h) {
                templateFunctions.add(h.name()); // so 'template void reduce<int>(...)' parses
                hostTemplateFunctions.add(h.name());
            }
            return;
        }
        if (fileScope && outOfClassMember(out, inherited, template)) {
            return;
        }
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
            Declarator d = declarator(s.type, false, fileScope || s.isExtern);
            if (d.params != null) {
                if (!fileScope) {
                    // a block-scope prototype ('extern __device__ void error(void);' in the samples' SharedMemory)
                    expect(";", "after a function declaration");
                    return;
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
                        int body = p;
                        skipBalanced(open, "}");
                        collectLaunches(body, p, out);
                        out.add(new Decl.HostFunction(d.pos, d.name));
                        return;
                    }
                    pushScope();
                    Stmt.Block body = block();
                    popScope();
                    out.add(new Decl.Function(d.pos, d.name, spec, d.type, d.params, body, template,
                            d.templateArgs.isEmpty() ? null : d.templateArgs, s.clusterDims));
                    return;
                }
                // a prototype
                if (device) {
                    out.add(new Decl.Function(d.pos, d.name, spec, d.type, d.params, null, template,
                            d.templateArgs.isEmpty() ? null : d.templateArgs, s.clusterDims));
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
                out.add(new Decl.Variable(d.pos, d.name, d.type, s.space, s.isStatic, s.isExtern, init, s.align));
            }
            first = false;
        } while (accept(","));
        expect(";", "after declaration");
    }


    /**
     * Where a member of a class is defined outside it, the index of the class name's first token
     * ({@code Foo} in {@code int Foo::get() const}, {@code interval_gpu} in
     * {@code T const &interval_gpu<T>::lower() const}); -1 when the declaration at the cursor is no
     * such definition. A namespace-qualified name is not one: its qualifier is no known type.
     */
    private int memberDefinitionOwner() {
        int i = p;
        int angle = 0;
        int member = -1;
        while (true) {
            Token t = tokens.get(Math.min(i, tokens.size() - 1));
            if (t.isEof()) {
                return -1;
            }
            if (angle == 0 && t.is("::") && i > p && tokens.get(i + 1).is("operator")) {
                member = i + 1;
                break;
            }
            if (t.is("operator")) {
                return -1; // a free operator function ('operator<' would read as a template bracket)
            }
            if (t.is("<")) {
                angle++;
            } else if (t.is(">") && angle > 0) {
                angle--;
            } else if (t.is(">>") && angle > 0) {
                angle = Math.max(0, angle - 2);
            } else if (angle == 0 && (t.is("(") || t.is(";") || t.is("=") || t.is("{") || t.is("[") || t.is(","))) {
                break;
            } else if (angle == 0 && t.is("::") && i > p && (tokens.get(i + 1).isIdent() || tokens.get(i + 1).is("~"))) {
                member = i + 1;
            }
            i++;
        }
        if (member < 0) {
            return -1;
        }
        Token stop = tokens.get(i);
        boolean named = tokens.get(member).is("operator") || member == i - 1
                || member == i - 2 && tokens.get(member).is("~");
        if (!named || tokens.get(member).isIdent() && !tokens.get(member).is("operator") && isKeyword(tokens.get(member).text())) {
            return -1;
        }
        if (!stop.is("(") && !stop.is("=") && !stop.is(";") && !tokens.get(member).is("operator")) {
            return -1;
        }
        int owner = member - 2; // the token before '::'
        if (tokens.get(owner).is(">") || tokens.get(owner).is(">>")) {
            int depth = 0;
            for (int k = owner; k >= p; k--) {
                Token t = tokens.get(k);
                depth += t.is(">") ? 1 : t.is(">>") ? 2 : t.is("<") ? -1 : 0;
                if (depth <= 0) {
                    owner = k - 1;
                    break;
                }
            }
        }
        if (owner < p || !tokens.get(owner).isIdent() || !isTypeName(tokens.get(owner).text())) {
            return -1;
        }
        return owner;
    }

    /**
     * A member function (constructor, operator, conversion operator, static member function) or a
     * static constant defined outside its class, as {@link Decl.MemberDefinition} or
     * {@link Decl.StaticDataDefinition}; false, the cursor unmoved, when the declaration is
     * something else. A destructor defined outside is skipped like one defined inside.
     */
    private boolean outOfClassMember(List<Decl> out, Set<FunctionSpecifier> inherited, List<Decl.TemplateParam> template) {
        int ownerAt = memberDefinitionOwner();
        if (ownerAt < 0) {
            return false;
        }
        Token first = peek();
        Specifiers s = new Specifiers();
        s.first = first;
        while (p < ownerAt && peek().isIdent() && (MEMBER_SPECIFIERS.contains(peek().text())
                || DEVICE_WORDS.contains(peek().text()) || peek().is("__attribute__") || peek().is("__launch_bounds__"))) {
            Token t = next();
            switch (t.text()) {
                case "__device__" -> s.functionSpecifiers.add(FunctionSpecifier.DEVICE);
                case "__host__" -> s.functionSpecifiers.add(FunctionSpecifier.HOST);
                case "__global__" -> throw error(t, "a __global__ function cannot be a member function");
                case "__forceinline__" -> s.functionSpecifiers.add(FunctionSpecifier.FORCEINLINE);
                case "__noinline__" -> s.functionSpecifiers.add(FunctionSpecifier.NOINLINE);
                case "inline", "__inline__" -> s.functionSpecifiers.add(FunctionSpecifier.INLINE);
                case "static" -> throw error(t, "'static' may not be used on a member defined outside its class");
                case "__attribute__", "__launch_bounds__" -> skipBalanced(expect("(", "after " + t.text()), ")");
                default -> { }
            }
        }
        TypeSyntax type = new TypeSyntax.Builtin(first.pos(), null);
        boolean hasType = p < ownerAt;
        if (hasType) {
            Specifiers ts = declSpecifiers(new Specifiers());
            s.functionSpecifiers.addAll(ts.functionSpecifiers);
            type = ts.type;
            while (at("*") || at("&") || at("const") || at("volatile")) {
                Token t = next();
                if (t.is("*")) {
                    type = new TypeSyntax.Pointer(t.pos(), type, false, false, false);
                } else if (t.is("&")) {
                    type = new TypeSyntax.Reference(t.pos(), type);
                } else {
                    type = new TypeSyntax.Qualified(t.pos(), type, t.is("const"), t.is("volatile"));
                }
            }
            if (p != ownerAt) {
                throw error(peek(), "expected the name of the member defined outside its class, found " + peek().describe());
            }
        }
        s.functionSpecifiers.addAll(inherited);
        Token ownerTok = next();
        String owner = ownerTok.text();
        List<TypeSyntax.TemplateArg> ownerArgs = at("<") ? templateArgs() : List.of();
        expect("::", "after the class name");
        Token nameTok = peek();
        Declarator d = new Declarator();
        d.pos = nameTok.pos();
        d.nameTok = nameTok;
        TypeSyntax.MethodKind kind = TypeSyntax.MethodKind.METHOD;
        if (accept("~")) {
            expectIdent("after '~'");
            skipBalanced(expect("(", "after the destructor's name"), ")");
            skipFunctionRest(nameTok); // objects are destroyed without code, as for a destructor defined in the class
            return true;
        } else if (accept("operator")) {
            d.name = operatorName(nameTok);
            if (d.name.equals("operator cast")) {
                Specifiers target = declSpecifiers(new Specifiers());
                type = declarator(target.type, true, false).type;
                kind = TypeSyntax.MethodKind.CONVERSION;
            }
        } else {
            d.name = expectIdent("after '::'");
            if (d.name.equals(owner) && at("(")) {
                kind = TypeSyntax.MethodKind.CONSTRUCTOR;
            } else if (!at("(")) {
                // a static data member: 'const float Foo::K = 2.5f;'
                if (!hasType) {
                    throw error(nameTok, "expected a type before '" + owner + "::" + d.name + "'");
                }
                Expr value = null;
                if (accept("=")) {
                    value = assignment();
                } else if (at("{")) {
                    Token open = next();
                    value = assignment();
                    expect("}", "to close the initializer of '" + d.name + "'");
                    assert open != null;
                }
                expect(";", "after the definition of static member '" + d.name + "'");
                out.add(new Decl.StaticDataDefinition(nameTok.pos(), owner, d.name, type, value));
                return true;
            }
        }
        d.params = parameterList();
        d.type = type;
        s.type = type;
        pushScope();
        for (String n : classTypeNames.getOrDefault(owner, Set.of())) {
            declareType(n); // the class's own types, named without qualification in its members
        }
        TypeSyntax.Method m;
        try {
            m = method(d, s, kind, new ArrayList<>());
        } finally {
            popScope();
        }
        if (!m.function().isDeviceCode()) {
            out.add(new Decl.HostFunction(d.pos, owner + "::" + d.name)); // a host member defined outside its class
            return true;
        }
        out.add(new Decl.MemberDefinition(ownerTok.pos(), owner, ownerArgs, template, m));
        return true;
    }

    private static final Set<String> DEVICE_WORDS = Set.of("__device__", "__global__", "__constant__", "__shared__",
            "__managed__");
    private static final Set<String> NOT_A_NAME = Set.of("__attribute__", "alignas", "__align__", "__declspec",
            "decltype", "__launch_bounds__", "sizeof", "operator");

    /**
     * Host code at file scope is skipped without parsing its types, as nvcc's device pass ignores
     * it: a function definition or prototype without {@code __device__}/{@code __global__} (its
     * signature may name host-only types such as a helper header's {@code StopWatchInterface}), and
     * a variable whose type is a name the compiler does not know. Returns whether it skipped one.
     */
    private boolean skipHostDeclaration(List<Decl> out) {
        int i = p;
        int angle = 0;
        String lastName = null;
        Token start = peek();
        while (true) {
            Token t = tokens.get(Math.min(i, tokens.size() - 1));
            budget.checkpoint(t.pos());
            if (t.isEof()) {
                return false;
            }
            if (t.isIdent() && DEVICE_WORDS.contains(t.text())) {
                return false;
            }
            boolean afterOperator = i > p && tokens.get(i - 1).is("operator");
            if (afterOperator) {
                i++; // operator<, operator>>, operator(): the symbol is part of the name
                if (t.is("(") && tokens.get(Math.min(i, tokens.size() - 1)).is(")")) {
                    i++;
                }
                continue;
            }
            if (t.is("<")) {
                angle++;
            } else if (t.is(">") && angle > 0) {
                angle--;
            } else if (t.is(">>") && angle > 0) {
                angle = Math.max(0, angle - 2);
            } else if (angle == 0 && (t.is("(") || t.is("=") || t.is(";") || t.is("{") || t.is("[") || t.is(","))) {
                break;
            }
            if (t.isIdent() && !isKeyword(t.text())) {
                lastName = t.text();
            }
            i++;
        }
        Token stop = tokens.get(i);
        Token before = i > p ? tokens.get(i - 1) : null;
        boolean isOperator = false;
        for (int k = p; k < i; k++) {
            isOperator |= tokens.get(k).is("operator");
        }
        if (stop.is("(") && before != null && (isOperator || before.isIdent() && !NOT_A_NAME.contains(before.text())
                && !isTypeName(before.text()) && !TYPE_KEYWORDS.contains(before.text()))) {
            // a host function: skip its parameters, then its body or the ';' of a prototype
            p = i + 1;
            skipBalanced(stop, ")");
            while (!at("{") && !at(";")) {
                if (peek().isEof()) {
                    throw error(start, "expected a function body or ';' after the declaration of '" + before.text() + "'");
                }
                Token t = next();
                if (t.is("(") || t.is("[")) {
                    skipBalanced(t, t.is("(") ? ")" : "]");
                }
            }
            if (next().is("{")) {
                int body = p;
                skipBalanced(tokens.get(p - 1), "}");
                collectLaunches(body, p, out);
            }
            out.add(new Decl.HostFunction(before.pos(), isOperator ? "operator" : before.text()));
            return true;
        }
        // a variable of a type nobody declared: host data (skipped like the host code that uses it)
        int q = p;
        while (q < i && tokens.get(q).isIdent() && SPECIFIER_KEYWORDS.contains(tokens.get(q).text())) {
            q++;
        }
        int len = qualifiedNameLength(q);
        if (len > 0 && !isKeyword(tokens.get(q).text()) && !isTypeName(qualifiedNameAt(q, len)) && lastName != null
                && !lastName.equals(qualifiedNameAt(q, len))) {
            String typeName = qualifiedNameAt(q, len);
            while (!at(";")) {
                Token t = next();
                if (t.isEof()) {
                    throw error(start, "expected ';' after the declaration of '" + lastName + "'");
                }
                if (t.is("(") || t.is("[") || t.is("{")) {
                    skipBalanced(t, t.is("(") ? ")" : t.is("[") ? "]" : "}");
                }
            }
            next();
            out.add(new Decl.HostVariable(start.pos(), lastName, typeName));
            return true;
        }
        return false;
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

    /** {@code new [(placement)] T [*...] [[count]] [(args) | {args}]} (device code's heap, or placement). */
    private Expr newExpression() {
        Token t = next();
        Expr placement = null;
        if (at("(")) {
            next();
            placement = expression();
            expect(")", "after the placement of 'new'");
        }
        Specifiers s = declSpecifiers(new Specifiers());
        TypeSyntax type = s.type;
        while (at("*")) {
            Token star = next();
            type = new TypeSyntax.Pointer(star.pos(), type, false, false, false);
        }
        Expr count = null;
        if (at("[")) {
            next();
            count = expression();
            expect("]", "to close the element count of 'new'");
        }
        List<Expr> args = new ArrayList<>();
        boolean initialized = false;
        if (at("(") || at("{")) {
            String close = at("(") ? ")" : "}";
            next();
            initialized = true;
            if (!accept(close)) {
                do {
                    args.add(assignment());
                } while (accept(","));
                expect(close, "to close the initializer of 'new'");
            }
        }
        return new Expr.New(t.pos(), type, count, args, initialized, placement);
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
        if (t.isIdent() && (TYPE_KEYWORDS.contains(t.text()) || t.is("const") || t.is("volatile")
                || t.is("typename"))) {
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
                case "goto" -> {
                    next();
                    String label = expectIdent("after 'goto'");
                    expect(";", "after goto statement");
                    return new Stmt.Goto(t.pos(), label);
                }
                case "asm", "__asm__", "__asm" -> {
                    return asmStatement();
                }
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
                next();
                next();
                Stmt labeled = at("}") ? new Stmt.Empty(peek().pos()) : statement();
                return new Stmt.Labeled(t.pos(), t.text(), labeled);
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
            if (match.equals("<<") && peek(1).is("<")) {
                left = kernelLaunch(t, left);
                continue;
            }
            next();
            enter(t);
            Expr right = binary(level + 1, inTemplateArgs);
            left = new Expr.Binary(t.pos(), binaryOp(match), left, right);
        }
    }

    /**
     * {@code kernel<<<grid, block[, sharedBytes[, stream]]>>>(args)} in device code (dynamic
     * parallelism), from the {@code <<} of {@code <<<}: the configuration's expressions end at
     * {@code >>>} as template arguments end at {@code >}.
     */
    private Expr kernelLaunch(Token start, Expr kernel) {
        next();
        next();
        enter(start);
        boolean savedGreater = pendingGreater;
        pendingGreater = false;
        List<Expr> config = new ArrayList<>();
        do {
            config.add(binary(0, true));
        } while (accept(","));
        if (config.size() < 2 || config.size() > 4) {
            throw error(start, "a kernel launch takes 2 to 4 configuration arguments "
                    + "(grid, block, shared bytes, stream), found " + config.size());
        }
        if (!(at(">>") && peek(1).is(">"))) {
            throw error(peek(), "expected '>>>' to close the launch configuration, found " + peek().describe());
        }
        next();
        next();
        pendingGreater = savedGreater;
        expect("(", "after the launch configuration");
        List<Expr> args = new ArrayList<>();
        if (!at(")")) {
            do {
                args.add(assignment());
            } while (accept(","));
        }
        expect(")", "to close the kernel's arguments");
        return new Expr.KernelLaunch(start.pos(), kernel, config, args);
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
        if (r && !TYPE_KEYWORDS.contains(peek().text()) && !peek().is("const") && !peek().is("volatile")) {
            // (uint(x) << 8): a functional cast inside parentheses, not a C cast to 'uint'
            int len = qualifiedNameLength(p);
            r = !peek(len).is("(") && !peek(len).is("{") || peek(len).is("(") && peek(len + 1).is("*");
        } else if (r && peek().isIdent() && TYPE_KEYWORDS.contains(peek().text())) {
            // (int(b) << 16), (unsigned char(x)): a builtin type then '(' is a functional cast too
            int q = p;
            while (q < tokens.size() && tokens.get(q).isIdent() && TYPE_KEYWORDS.contains(tokens.get(q).text())) {
                q++;
            }
            // but (int (*)(int)) and (int (*)[4]) are casts to a pointer type
            r = !tokens.get(Math.min(q, tokens.size() - 1)).is("(") || tokens.get(Math.min(q + 1, tokens.size() - 1)).is("*");
        }
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
                if (e instanceof Expr.Ident callee && callee.name().equals("__cuda_ptx_cp_async_bulk") && args.size() == 7) {
                    multicasts = true; // the checker keeps transaction counts for the whole file
                }
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
        if (at("{")) {
            return braced(); // return {a, b}; f({1, 2}): a braced list the context gives a type
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
            next();
            return new Expr.This(t.pos());
        }
        if (t.is("new")) {
            return newExpression();
        }
        if (t.is("delete")) {
            next();
            boolean array = false;
            if (at("[")) {
                next();
                expect("]", "after 'delete['");
                array = true;
            }
            return new Expr.Delete(t.pos(), unary(), array);
        }
        if (t.is("[")) {
            return lambda();
        }
        if (t.is("asm") || t.is("__asm__") || t.is("__asm")) {
            throw error(t, "inline assembly (asm) is a statement, not an expression");
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
                if (at("::")) {
                    // S<T>::member: a static member of a struct template instance
                    next();
                    Token member = peek();
                    String m = expectIdent("after '::'");
                    return new Expr.TypeMember(member.pos(), new TypeSyntax.Named(t.pos(), name, args), m);
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

    /** {@code [captures](params) mutable -> ret { body }}. */
    private Expr lambda() {
        Token open = expect("[", "to open a lambda");
        enter(open);
        Expr.CaptureDefault def = Expr.CaptureDefault.NONE;
        List<Expr.Capture> captures = new ArrayList<>();
        if (!at("]")) {
            do {
                Token c = peek();
                if (at("=") && (peek(1).is(",") || peek(1).is("]"))) {
                    next();
                    def = Expr.CaptureDefault.COPY;
                } else if (at("&") && (peek(1).is(",") || peek(1).is("]"))) {
                    next();
                    def = Expr.CaptureDefault.REFERENCE;
                } else if (accept("this")) {
                    captures.add(new Expr.Capture(c.pos(), "this", false, null));
                } else if (at("*") && peek(1).is("this")) {
                    throw error(c, "capturing '*this' by copy is not supported");
                } else {
                    boolean ref = accept("&");
                    String name = expectIdent("in the lambda capture list");
                    Expr init = null;
                    if (accept("=")) {
                        init = assignment();
                    } else if (at("{") || at("(")) {
                        Token lp = next();
                        init = assignment();
                        expect(lp.is("{") ? "}" : ")", "to close the capture's initializer");
                    }
                    captures.add(new Expr.Capture(c.pos(), name, ref, init));
                }
            } while (accept(","));
        }
        expect("]", "to close the lambda capture list");
        List<Decl.Param> params = at("(") ? parameterList() : List.of();
        boolean mutable = false;
        TypeSyntax returnType = null;
        while (true) {
            if (accept("mutable")) {
                mutable = true;
            } else if (accept("__device__") || accept("__host__") || accept("constexpr")) {
                // extended lambdas: the execution space is the enclosing function's here
            } else if (at("noexcept")) {
                next();
                if (at("(")) {
                    skipBalanced(next(), ")");
                }
            } else if (accept("->")) {
                returnType = typeName();
            } else {
                break;
            }
        }
        pushScope();
        Stmt.Block body = block();
        popScope();
        leave();
        return new Expr.Lambda(open.pos(), def, captures, params, returnType, mutable, body);
    }

    private static boolean isBuiltinTemplate(String name) {
        return name.equals("tiled_partition") || name.equals("min") || name.equals("max") || isTextureFetch(name);
    }

    /** Texture and surface functions, template functions in CUDA ({@code tex2D<float>(tex, x, y)}). */
    public static boolean isTextureFetch(String name) {
        return name.startsWith("tex1D") || name.startsWith("tex2D") || name.startsWith("tex3D")
                || name.startsWith("texCubemap") || name.startsWith("surf1D") || name.startsWith("surf2D")
                || name.startsWith("surf3D") || name.equals("tex1Dfetch");
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
