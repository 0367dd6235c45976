package io.cudawasm.kernels.preprocess;

import io.cudawasm.kernels.lex.Lexer;
import io.cudawasm.kernels.lex.Literals;
import io.cudawasm.kernels.lex.Token;
import io.cudawasm.kernels.lex.TokenKind;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The C preprocessor (translation phase 4): directives, conditional inclusion and macro expansion
 * with hide sets (Prosser's algorithm), so recursive macros terminate exactly as in C.
 */
public final class Preprocessor {
    private final Map<String, Macro> macros = new HashMap<>();
    private final Map<String, String> headers;
    private final List<Diagnostic> warnings;
    private final Set<String> onceFiles = new HashSet<>();
    /** Built-in library headers whose size the budget has been credited with (once each). */
    private final Set<String> creditedLibraries = new HashSet<>();
    private final Deque<Conditional> conditionals = new ArrayDeque<>();
    private final CompileBudget budget = CompileBudget.current();
    private Deque<Token> input = new ArrayDeque<>();
    private int includeDepth;
    private int counter;
    /** Nesting of macro-argument expansions (each one recurses into {@link #expandStream}). */
    private int argumentDepth;
    /** Whether the stream being expanded is the translation unit's (its tokens are the parser's input). */
    private boolean countOutput;

    /** An open {@code #if} group: whether some branch was taken and whether {@code #else} was seen. */
    private static final class Conditional {
        final Token directive;
        boolean taken;
        boolean sawElse;

        Conditional(Token directive, boolean taken) {
            this.directive = directive;
            this.taken = taken;
        }
    }

    private Preprocessor(Map<String, String> headers, List<Diagnostic> warnings) {
        this.headers = headers;
        this.warnings = warnings;
    }

    /**
     * Preprocesses {@code main}.
     *
     * @param defines {@code -D} definitions (name to replacement text; "" means defined empty)
     * @param headers user headers that {@code #include "name"} may name
     * @param warnings receives warnings ({@code #warning}, macro redefinitions)
     */
    /** Whether {@code #include <name>} or {@code "name"} is served without a file (CUDA's headers, the samples' helpers). */
    public static boolean isBuiltinHeader(String name) {
        return BuiltinHeaders.lookup(name).isPresent() || BuiltinHeaders.refusal(name) != null;
    }

    public static List<Token> run(SourceFile main, Map<String, String> defines, Map<String, String> headers,
            List<Diagnostic> warnings) {
        Preprocessor pp = new Preprocessor(headers, warnings);
        pp.defineFromText(new SourceFile(Lexer.BUILTIN_FILE, BuiltinHeaders.PRELUDE));
        StringBuilder cmd = new StringBuilder();
        for (Map.Entry<String, String> d : new LinkedHashMap<>(defines).entrySet()) {
            if (!d.getKey().matches("[A-Za-z_][A-Za-z0-9_]*(\\([A-Za-z0-9_, .]*\\))?")) {
                throw CompileException.at(SourcePos.BUILTIN, "invalid macro name in -D option: '" + d.getKey() + "'");
            }
            cmd.append("#define ").append(d.getKey()).append(' ')
                    .append(d.getValue() == null ? "1" : d.getValue().replace('\n', ' ')).append('\n');
        }
        pp.defineFromText(new SourceFile("<command-line>", cmd.toString()));
        return pp.process(main);
    }

    private void defineFromText(SourceFile file) {
        input = new ArrayDeque<>(Lexer.tokenize(file));
        List<Token> out = expandStream(true);
        if (!out.isEmpty()) {
            throw CompileException.at(out.get(0).pos(), "unexpected text in built-in definitions");
        }
    }

    private List<Token> process(SourceFile main) {
        input = new ArrayDeque<>(Lexer.tokenize(main));
        countOutput = true;
        List<Token> out = expandStream(true);
        if (!conditionals.isEmpty()) {
            throw CompileException.at(conditionals.peek().directive.pos(), "unterminated conditional directive");
        }
        out.add(new Token(TokenKind.EOF, "", input.isEmpty() ? main.pos(main.text().length()) : input.peek().pos(),
                true, false, null));
        return out;
    }

    /** Expands the current input until it is exhausted (EOF tokens end included files). */
    private List<Token> expandStream(boolean directives) {
        List<Token> out = new ArrayList<>();
        boolean counted = countOutput && directives;
        while (!input.isEmpty()) {
            Token t = input.poll();
            budget.checkpoint(t.pos());
            if (t.isEof()) {
                if (includeDepth > 0 && t.text().equals("<end-of-include>")) {
                    includeDepth--;
                    continue;
                }
                break;
            }
            if (directives && t.is("#") && t.startOfLine()) {
                directive(t);
                continue;
            }
            if (expandMacro(t)) {
                continue;
            }
            out.add(t);
            if (counted) {
                budget.countOutputToken(t.pos());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- directives

    private List<Token> restOfLine() {
        List<Token> line = new ArrayList<>();
        while (!input.isEmpty() && !input.peek().startOfLine()) {
            line.add(input.poll());
        }
        return line;
    }

    private void directive(Token hash) {
        if (input.isEmpty() || input.peek().startOfLine()) {
            return; // the null directive
        }
        Token name = input.poll();
        String d = name.text();
        switch (d) {
            case "define" -> define(name);
            case "undef" -> {
                List<Token> line = restOfLine();
                if (line.isEmpty() || !line.get(0).isIdent()) {
                    throw CompileException.at(name.pos(), "macro name missing after #undef");
                }
                macros.remove(line.get(0).text());
            }
            case "include" -> include(name);
            case "if" -> {
                boolean v = evaluateCondition(name, restOfLine());
                conditionals.push(new Conditional(name, v));
                if (!v) {
                    skipGroup();
                }
            }
            case "ifdef", "ifndef" -> {
                List<Token> line = restOfLine();
                if (line.isEmpty() || !line.get(0).isIdent()) {
                    throw CompileException.at(name.pos(), "macro name missing after #" + d);
                }
                boolean v = macros.containsKey(line.get(0).text()) == d.equals("ifdef");
                conditionals.push(new Conditional(name, v));
                if (!v) {
                    skipGroup();
                }
            }
            case "elif" -> {
                Conditional c = requireOpen(name);
                if (c.sawElse) {
                    throw CompileException.at(name.pos(), "#elif after #else");
                }
                List<Token> line = restOfLine();
                if (c.taken) {
                    skipGroup();
                } else if (evaluateCondition(name, line)) {
                    c.taken = true;
                } else {
                    skipGroup();
                }
            }
            case "else" -> {
                Conditional c = requireOpen(name);
                if (c.sawElse) {
                    throw CompileException.at(name.pos(), "#else after #else");
                }
                c.sawElse = true;
                restOfLine();
                if (c.taken) {
                    skipGroup();
                } else {
                    c.taken = true;
                }
            }
            case "endif" -> {
                requireOpen(name);
                conditionals.pop();
                restOfLine();
            }
            case "error" -> {
                throw CompileException.at(hash.pos(), "#error " + joinText(restOfLine()));
            }
            case "warning" -> warnings.add(Diagnostic.warning(hash.pos(), "#warning " + joinText(restOfLine())));
            case "pragma" -> {
                List<Token> line = restOfLine();
                if (!line.isEmpty() && line.get(0).is("once")) {
                    onceFiles.add(hash.pos().fileName());
                }
                // #pragma unroll and others are accepted: they tune code generation only
            }
            case "line" -> restOfLine();
            default -> {
                if (name.kind() == TokenKind.NUMBER) {
                    restOfLine(); // a line marker '# 12 "file"'
                } else {
                    throw CompileException.at(name.pos(), "invalid preprocessing directive #" + d);
                }
            }
        }
    }

    private Conditional requireOpen(Token directive) {
        if (conditionals.isEmpty()) {
            throw CompileException.at(directive.pos(), "#" + directive.text() + " without #if");
        }
        return conditionals.peek();
    }

    /** Skips tokens of a false group up to (not including) its #elif, #else or #endif. */
    private void skipGroup() {
        int depth = 0;
        while (!input.isEmpty()) {
            Token t = input.peek();
            if (t.isEof()) {
                if (t.text().equals("<end-of-include>")) {
                    input.poll();
                    includeDepth--;
                    continue;
                }
                throw CompileException.at(conditionals.peek().directive.pos(), "unterminated conditional directive");
            }
            input.poll();
            budget.checkpoint(t.pos());
            if (t.is("#") && t.startOfLine() && !input.isEmpty() && !input.peek().startOfLine()) {
                Token d = input.peek();
                switch (d.text()) {
                    case "if", "ifdef", "ifndef" -> depth++;
                    case "endif" -> {
                        if (depth == 0) {
                            input.push(t);
                            return;
                        }
                        depth--;
                    }
                    case "elif", "else" -> {
                        if (depth == 0) {
                            input.push(t);
                            return;
                        }
                    }
                    default -> { }
                }
            }
        }
        throw CompileException.at(conditionals.peek().directive.pos(), "unterminated conditional directive");
    }

    private void define(Token directive) {
        if (input.isEmpty() || input.peek().startOfLine() || !input.peek().isIdent()) {
            throw CompileException.at(directive.pos(), "macro name missing after #define");
        }
        Token name = input.poll();
        if (name.text().equals("defined")) {
            throw CompileException.at(name.pos(), "'defined' cannot be used as a macro name");
        }
        List<String> params = null;
        boolean variadic = false;
        if (!input.isEmpty() && input.peek().is("(") && !input.peek().spaceBefore() && !input.peek().startOfLine()) {
            input.poll();
            params = new ArrayList<>();
            boolean first = true;
            while (true) {
                Token p = nextInLine(name);
                if (p.is(")") && first) {
                    break;
                }
                if (p.is("...")) {
                    variadic = true;
                    if (!nextInLine(name).is(")")) {
                        throw CompileException.at(p.pos(), "expected ')' after '...' in macro parameter list");
                    }
                    break;
                }
                if (!p.isIdent()) {
                    throw CompileException.at(p.pos(), "invalid macro parameter " + p.describe());
                }
                if (params.contains(p.text())) {
                    throw CompileException.at(p.pos(), "duplicate macro parameter '" + p.text() + "'");
                }
                params.add(p.text());
                first = false;
                Token sep = nextInLine(name);
                if (sep.is(")")) {
                    break;
                }
                if (!sep.is(",")) {
                    throw CompileException.at(sep.pos(), "expected ',' or ')' in macro parameter list, found "
                            + sep.describe());
                }
            }
        }
        List<Token> body = restOfLine();
        if (!body.isEmpty() && body.get(0).is("##")) {
            throw CompileException.at(body.get(0).pos(), "'##' cannot appear at either end of a macro expansion");
        }
        if (!body.isEmpty() && body.get(body.size() - 1).is("##")) {
            throw CompileException.at(body.get(body.size() - 1).pos(),
                    "'##' cannot appear at either end of a macro expansion");
        }
        if (params != null) {
            for (int i = 0; i < body.size(); i++) {
                if (body.get(i).is("#")) {
                    Token next = i + 1 < body.size() ? body.get(i + 1) : null;
                    if (next == null || !(params.contains(next.text())
                            || (variadic && next.text().equals("__VA_ARGS__")))) {
                        throw CompileException.at(body.get(i).pos(), "'#' is not followed by a macro parameter");
                    }
                }
            }
        }
        Macro m = new Macro(name.text(), params, variadic, body, name.pos());
        Macro old = macros.get(name.text());
        if (old != null && !old.sameDefinitionAs(m)) {
            warnings.add(Diagnostic.warning(name.pos(), "'" + name.text() + "' macro redefined"));
        }
        macros.put(name.text(), m);
    }

    private Token nextInLine(Token context) {
        if (input.isEmpty() || input.peek().startOfLine()) {
            throw CompileException.at(context.pos(), "unterminated macro parameter list");
        }
        return input.poll();
    }

    private void include(Token directive) {
        List<Token> line = restOfLine();
        if (!line.isEmpty() && line.get(0).isIdent()) {
            line = expandList(line, "#include");
        }
        if (line.isEmpty()) {
            throw CompileException.at(directive.pos(), "#include expects \"FILENAME\" or <FILENAME>");
        }
        String fileName;
        boolean angled;
        Token first = line.get(0);
        if (first.kind() == TokenKind.STRING) {
            fileName = first.text().substring(1, first.text().length() - 1);
            angled = false;
        } else if (first.is("<")) {
            StringBuilder sb = new StringBuilder();
            int i = 1;
            for (; i < line.size() && !line.get(i).is(">"); i++) {
                if (line.get(i).spaceBefore() && sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(line.get(i).text());
            }
            if (i == line.size()) {
                throw CompileException.at(first.pos(), "expected '>' after include file name");
            }
            fileName = sb.toString();
            angled = true;
        } else {
            throw CompileException.at(first.pos(), "#include expects \"FILENAME\" or <FILENAME>");
        }
        String refused = BuiltinHeaders.refusal(fileName);
        if (refused != null && !headers.containsKey(fileName)) {
            throw CompileException.at(first.pos(), refused);
        }
        Optional<String> text = Optional.ofNullable(angled ? null : headers.get(fileName));
        if (text.isEmpty()) {
            text = BuiltinHeaders.lookup(fileName);
            // every built-in header is the compiler's own fixed text (the half-precision libraries, the
            // asynchronous-copy and pipeline headers...): credited once, so that it does not use up what the
            // request's own size allows
            if (text.isPresent() && creditedLibraries.add(fileName)) {
                budget.allowLibrary(text.get().length());
            }
        }
        if (text.isEmpty() && angled) {
            text = Optional.ofNullable(headers.get(fileName));
        }
        boolean hostPath = fileName.startsWith("/") || fileName.contains("..") || fileName.contains("\\")
                || fileName.contains(":");
        if (text.isEmpty() && angled && !hostPath) {
            // a system header (<sys/stat.h>, <GL/gl.h>, <omp.h>): host code's; device code cannot use it here
            warnings.add(Diagnostic.warning(first.pos(), "system header <" + fileName + "> is not available: skipped "
                    + "(device code cannot use what it declares; supply it with the headers if it must)"));
            return;
        }
        if (text.isEmpty()) {
            throw CompileException.at(first.pos(), "cannot open include file '" + fileName
                    + "': supply it with the compile request's headers (CUDA's own headers are built in)");
        }
        if (onceFiles.contains(fileName) || text.get().isEmpty()) {
            return;
        }
        budget.checkIncludeDepth(includeDepth + 1, first.pos(), fileName);
        includeDepth++;
        List<Token> tokens = Lexer.tokenize(new SourceFile(fileName, text.get()));
        Token eof = tokens.get(tokens.size() - 1);
        tokens.set(tokens.size() - 1, new Token(TokenKind.EOF, "<end-of-include>", eof.pos(), true, false, null));
        for (int i = tokens.size() - 1; i >= 0; i--) {
            input.push(tokens.get(i));
        }
    }

    // ---------------------------------------------------------------- #if expressions

    private boolean evaluateCondition(Token directive, List<Token> line) {
        if (line.isEmpty()) {
            throw CompileException.at(directive.pos(), "#" + directive.text() + " with no expression");
        }
        List<Token> resolved = new ArrayList<>();
        for (int i = 0; i < line.size(); i++) {
            Token t = line.get(i);
            if (t.is("defined")) {
                boolean paren = i + 1 < line.size() && line.get(i + 1).is("(");
                int at = paren ? i + 2 : i + 1;
                if (at >= line.size() || !line.get(at).isIdent()) {
                    throw CompileException.at(t.pos(), "macro name missing after 'defined'");
                }
                if (paren && (at + 1 >= line.size() || !line.get(at + 1).is(")"))) {
                    throw CompileException.at(t.pos(), "missing ')' after 'defined'");
                }
                resolved.add(number(macros.containsKey(line.get(at).text()) ? "1" : "0", t));
                i = paren ? at + 1 : at;
            } else {
                resolved.add(t);
            }
        }
        List<Token> expanded = expandList(resolved, "#" + directive.text());
        List<Token> ints = new ArrayList<>();
        for (Token t : expanded) {
            if (t.isIdent()) {
                ints.add(number(t.text().equals("true") ? "1" : "0", t));
            } else {
                ints.add(t);
            }
        }
        return new ConditionEvaluator(ints, directive, budget).evaluate() != 0;
    }

    private static Token number(String text, Token at) {
        return new Token(TokenKind.NUMBER, text, at.pos(), false, true, null);
    }

    // ---------------------------------------------------------------- macro expansion

    /**
     * Fully expands a token list in isolation (used for macro arguments and directive operands);
     * {@code context} names the macro or directive for messages.
     */
    private List<Token> expandList(List<Token> tokens, String context) {
        Deque<Token> saved = input;
        SourcePos at = tokens.isEmpty() ? null : tokens.get(0).pos();
        // M(M(M(...))) expands each argument inside the one around it: Java recursion as deep as the
        // nesting, and every level rescans (copies) what is inside it
        budget.checkNesting(argumentDepth + 1, at);
        budget.countMacroTokens(tokens.size(), at, context);
        argumentDepth++;
        input = new ArrayDeque<>(tokens);
        try {
            return expandStream(false);
        } finally {
            argumentDepth--;
            input = saved;
        }
    }

    /** If {@code t} names a macro that applies here, pushes its expansion back onto the input. */
    private boolean expandMacro(Token t) {
        if (!t.isIdent() || t.hideSet().contains(t.text())) {
            return false;
        }
        switch (t.text()) {
            case "__LINE__", "__FILE__", "__COUNTER__" -> budget.countMacroTokens(1, t.pos(), t.text());
            default -> { }
        }
        switch (t.text()) {
            case "__LINE__" -> {
                input.push(new Token(TokenKind.NUMBER, Integer.toString(t.pos().line()), t.pos(), t.startOfLine(),
                        t.spaceBefore(), null));
                return true;
            }
            case "__FILE__" -> {
                input.push(new Token(TokenKind.STRING, quote(t.pos().fileName()), t.pos(), t.startOfLine(),
                        t.spaceBefore(), null));
                return true;
            }
            case "__COUNTER__" -> {
                input.push(new Token(TokenKind.NUMBER, Integer.toString(counter++), t.pos(), t.startOfLine(),
                        t.spaceBefore(), null));
                return true;
            }
            default -> { }
        }
        Macro m = macros.get(t.text());
        if (m == null) {
            return false;
        }
        if (!m.isFunctionLike()) {
            Set<String> hs = union(t.hideSet(), m.name());
            pushExpansion(substitute(m, List.of(), t), hs, t);
            return true;
        }
        Token open = input.peek();
        if (open == null || !open.is("(")) {
            return false;
        }
        input.poll();
        List<List<Token>> args = new ArrayList<>();
        Token close = readArguments(m, t, args);
        Set<String> hs = union(intersect(t.hideSet(), close.hideSet()), m.name());
        pushExpansion(substitute(m, args, t), hs, t);
        return true;
    }

    private Token readArguments(Macro m, Token name, List<List<Token>> args) {
        List<Token> current = new ArrayList<>();
        int depth = 0;
        while (true) {
            Token t = input.poll();
            if (t == null || t.isEof()) {
                throw CompileException.at(name.pos(), "unterminated argument list invoking macro '" + m.name() + "'");
            }
            if (t.is("#") && t.startOfLine()) {
                throw CompileException.at(t.pos(), "preprocessing directive inside the arguments of macro '"
                        + m.name() + "' is not supported");
            }
            if (depth == 0 && t.is(")")) {
                args.add(current);
                break;
            }
            if (depth == 0 && t.is(",") && !(m.variadic() && args.size() >= m.params().size())) {
                args.add(current);
                current = new ArrayList<>();
                continue;
            }
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
                depth--;
            }
            current.add(t);
        }
        int expected = m.params().size();
        if (args.size() == 1 && args.get(0).isEmpty() && expected == 0) {
            args.clear();
        }
        if (m.variadic() && args.size() == expected) {
            args.add(new ArrayList<>());
        }
        int given = args.size();
        int want = expected + (m.variadic() ? 1 : 0);
        if (given != want) {
            throw CompileException.at(name.pos(), "macro '" + m.name() + "' " + (m.variadic() ? "requires at least " : "requires ")
                    + expected + " argument" + (expected == 1 ? "" : "s") + ", but " + given + " given");
        }
        return last(current, name);
    }

    private Token last(List<Token> current, Token fallback) {
        return current.isEmpty() ? fallback : current.get(current.size() - 1);
    }

    private void pushExpansion(List<Token> body, Set<String> hideSet, Token site) {
        // tokens of one argument share a hide set: one union for all of them, not a new set per token
        Map<Set<String>, Set<String>> unions = null;
        for (int i = body.size() - 1; i >= 0; i--) {
            Token b = body.get(i);
            boolean space = i == 0 ? site.spaceBefore() : b.spaceBefore();
            Set<String> hs = hideSet;
            if (!b.hideSet().isEmpty()) {
                if (unions == null) {
                    unions = new IdentityHashMap<>();
                }
                hs = unions.computeIfAbsent(b.hideSet(), h -> union(h, hideSet));
            }
            input.push(new Token(b.kind(), b.text(), site.pos(), i == 0 && site.startOfLine(), space, hs));
        }
    }

    private int paramIndex(Macro m, Token t) {
        if (!t.isIdent()) {
            return -1;
        }
        if (m.variadic() && t.text().equals("__VA_ARGS__")) {
            return m.params().size();
        }
        return m.params() == null ? -1 : m.params().indexOf(t.text());
    }

    private List<Token> substitute(Macro m, List<List<Token>> args, Token site) {
        List<Token> body = m.body();
        // counted as the expansion is built, so a body that repeats a long argument cannot outgrow the limit first
        budget.countMacroTokens(body.size(), site.pos(), m.name());
        List<Token> out = new ArrayList<>();
        Map<Integer, List<Token>> expandedArgs = new HashMap<>();
        for (int i = 0; i < body.size(); i++) {
            Token t = body.get(i);
            if (m.isFunctionLike() && t.is("#")) {
                Token p = body.get(i + 1);
                out.add(new Token(TokenKind.STRING, stringize(args.get(paramIndex(m, p))), site.pos(), false,
                        t.spaceBefore(), null));
                i++;
                continue;
            }
            if (t.is("##")) {
                if (i + 1 >= body.size()) {
                    throw CompileException.at(t.pos(), "'##' cannot appear at either end of a macro expansion");
                }
                Token rhs = body.get(i + 1);
                i++;
                int pi = paramIndex(m, rhs);
                List<Token> right = pi >= 0 ? args.get(pi) : List.of(rhs);
                budget.countMacroTokens(right.size(), site.pos(), m.name());
                // GNU: ', ## __VA_ARGS__' drops the comma when the variadic part is empty
                if (pi == m.params().size() && m.variadic() && right.isEmpty()
                        && !out.isEmpty() && out.get(out.size() - 1).is(",")) {
                    out.remove(out.size() - 1);
                    continue;
                }
                if (right.isEmpty()) {
                    continue;
                }
                if (out.isEmpty()) {
                    out.addAll(right);
                    continue;
                }
                Token left = out.remove(out.size() - 1);
                out.add(paste(left, right.get(0), site));
                out.addAll(right.subList(1, right.size()));
                continue;
            }
            int pi = paramIndex(m, t);
            if (pi >= 0) {
                boolean beforePaste = i + 1 < body.size() && body.get(i + 1).is("##");
                List<Token> arg = args.get(pi);
                List<Token> replacement = beforePaste ? arg
                        : expandedArgs.computeIfAbsent(pi, k -> expandList(arg, m.name()));
                budget.countMacroTokens(replacement.size(), site.pos(), m.name());
                boolean first = true;
                for (Token r : replacement) {
                    out.add(first ? r.withSpaceBefore(t.spaceBefore()) : r);
                    first = false;
                }
                continue;
            }
            out.add(t);
        }
        return out;
    }

    private Token paste(Token left, Token right, Token site) {
        String text = left.text() + right.text();
        List<Token> lexed;
        try {
            lexed = Lexer.tokenize(new SourceFile(site.pos().fileName(), text));
        } catch (CompileException e) {
            lexed = List.of();
        }
        if (lexed.size() != 2) {
            throw CompileException.at(site.pos(), "pasting \"" + left.text() + "\" and \"" + right.text()
                    + "\" does not give a valid preprocessing token");
        }
        Token t = lexed.get(0);
        return new Token(t.kind(), t.text(), site.pos(), false, left.spaceBefore(), left.hideSet());
    }

    private static String stringize(List<Token> arg) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < arg.size(); i++) {
            Token t = arg.get(i);
            if (i > 0 && t.spaceBefore()) {
                sb.append(' ');
            }
            sb.append(t.text());
        }
        return quote(sb.toString());
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String joinText(List<Token> line) {
        StringBuilder sb = new StringBuilder();
        for (Token t : line) {
            if (sb.length() > 0 && t.spaceBefore()) {
                sb.append(' ');
            }
            sb.append(t.kind() == TokenKind.STRING ? Literals.parseString(t.text(), t.pos()) : t.text());
        }
        return sb.toString();
    }

    private static Set<String> union(Set<String> a, String name) {
        if (a.contains(name)) {
            return a;
        }
        Set<String> s = new HashSet<>(a);
        s.add(name);
        return s;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Set<String> s = new HashSet<>(a);
        s.addAll(b);
        return s;
    }

    private static Set<String> intersect(Set<String> a, Set<String> b) {
        Set<String> s = new HashSet<>(a);
        s.retainAll(b);
        return s;
    }
}
