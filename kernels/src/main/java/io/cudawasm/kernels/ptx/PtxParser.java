package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Recursive-descent parser for the PTX that nvcc and NVRTC emit (ISA 7.x to 9.x). */
public final class PtxParser {
    private static final Set<String> LINKAGE = Set.of(".visible", ".extern", ".weak", ".common");
    private static final Set<String> VARIABLE_SPACES = Set.of(".global", ".const", ".shared", ".local");
    private static final Set<String> BODY_SPACES = Set.of(".reg", ".local", ".shared", ".param", ".const", ".global");
    /** Directives between a function's signature and its body; their numeric arguments are skipped. */
    private static final Set<String> PERFORMANCE = Set.of(".maxntid", ".reqntid", ".minnctapersm", ".maxnctapersm",
            ".maxnreg", ".noreturn", ".explicitcluster", ".reqnctapercluster", ".maxclusterrank", ".blocksareclusters");

    private final SourceFile file;
    private final List<PtxToken> tokens;
    private static final long MAX_ELEMENTS = 1L << 40;
    private final CompileBudget budget = CompileBudget.current();
    private int p;
    /** The files of the line information, by their {@code .file} number. */
    private final java.util.Map<Long, SourceFile> lineFiles = new java.util.HashMap<>();
    /** The CUDA position of the last {@code .loc} in the current function, or null. */
    private SourcePos loc;
    /** Nesting of operands and initializers, which are parsed recursively. */
    private int nesting;

    private PtxParser(SourceFile file) {
        this.file = file;
        this.tokens = PtxLexer.tokenize(file);
        readFileDirectives();
    }

    /** nvcc puts the {@code .file} directives that {@code .loc} refers to at the end of the module. */
    private void readFileDirectives() {
        for (int i = 0; i + 2 < tokens.size(); i++) {
            PtxToken t = tokens.get(i);
            if (t.kind() == PtxToken.Kind.DIRECTIVE && t.is(".file") && tokens.get(i + 1).kind() == PtxToken.Kind.INTEGER
                    && tokens.get(i + 2).kind() == PtxToken.Kind.STRING) {
                String path = tokens.get(i + 2).text();
                path = path.substring(1, path.length() - 1);
                String name = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
                lineFiles.put(integerValue(tokens.get(i + 1)), new SourceFile(name, ""));
            }
        }
    }

    public static PtxModule parse(SourceFile file) {
        return new PtxParser(file).module();
    }

    /**
     * The statements of an inline assembly template: a function body without its braces
     * (declarations, labels, instructions, nested {@code { }} scopes).
     */
    public static List<PtxStatement> parseStatements(SourceFile file) {
        return new PtxParser(file).body(true);
    }

    // ------------------------------------------------------------------ tokens

    private PtxToken peek() {
        return tokens.get(p);
    }

    private PtxToken peek(int ahead) {
        return tokens.get(Math.min(p + ahead, tokens.size() - 1));
    }

    private PtxToken next() {
        PtxToken t = tokens.get(p);
        if (t.kind() != PtxToken.Kind.END) {
            p++;
        }
        return t;
    }

    private SourcePos pos(PtxToken t) {
        return file.pos(t.offset());
    }

    private CompileException error(PtxToken at, String message) {
        return CompileException.at(pos(at), message);
    }

    private boolean accept(String text) {
        if (peek().is(text)) {
            p++;
            return true;
        }
        return false;
    }

    private PtxToken expect(String text, String context) {
        PtxToken t = peek();
        if (!t.is(text)) {
            throw error(t, "expected '" + text + "' " + context + ", found " + t.describe());
        }
        return next();
    }

    private PtxToken expectName(String what) {
        PtxToken t = peek();
        if (t.kind() != PtxToken.Kind.NAME) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        return next();
    }

    private long expectInteger(String what) {
        boolean negative = accept("-");
        PtxToken t = peek();
        if (t.kind() != PtxToken.Kind.INTEGER) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        next();
        long v = integerValue(t);
        return negative ? -v : v;
    }

    private long integerValue(PtxToken t) {
        String s = t.text();
        if (s.endsWith("U") || s.endsWith("u")) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            if (s.startsWith("0b") || s.startsWith("0B")) {
                return Long.parseUnsignedLong(s.substring(2), 2);
            }
            if (s.length() > 1 && s.startsWith("0")) {
                return Long.parseUnsignedLong(s.substring(1), 8);
            }
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw error(t, "integer '" + t.text() + "' is malformed or does not fit in 64 bits");
        }
    }

    /** {@code .loc N line column[, ...]}: the CUDA position of the instructions that follow. */
    private void locDirective(PtxToken directive) {
        if (peek().kind() == PtxToken.Kind.INTEGER && peek(1).kind() == PtxToken.Kind.INTEGER
                && peek(2).kind() == PtxToken.Kind.INTEGER && peek().line() == directive.line()) {
            SourceFile f = lineFiles.get(integerValue(next()));
            long line = integerValue(next());
            long column = integerValue(next());
            loc = f != null && line > 0 && line <= Integer.MAX_VALUE
                    ? new SourcePos(f, (int) line, (int) Math.min(Math.max(column, 1), Integer.MAX_VALUE)) : null;
        }
        skipLine(directive);
    }

    /** Skips the rest of a line-oriented directive ({@code .loc}, {@code .file}). */
    private void skipLine(PtxToken directive) {
        while (peek().kind() != PtxToken.Kind.END && peek().line() == directive.line()) {
            next();
        }
    }

    private void skipTo(String text) {
        while (peek().kind() != PtxToken.Kind.END && !peek().is(text)) {
            next();
        }
        expect(text, "");
    }

    // ------------------------------------------------------------------ module

    private PtxModule module() {
        String version = null;
        String target = null;
        int addressSize = 64;
        List<PtxVariable> variables = new ArrayList<>();
        List<PtxFunction> functions = new ArrayList<>();
        boolean external = false;
        while (peek().kind() != PtxToken.Kind.END) {
            PtxToken t = peek();
            if (t.kind() != PtxToken.Kind.DIRECTIVE) {
                throw error(t, "expected a directive (.version, .entry, .func, a variable), found " + t.describe());
            }
            String d = t.text();
            if (LINKAGE.contains(d)) {
                next();
                external |= d.equals(".extern");
                continue;
            }
            switch (d) {
                case ".version" -> {
                    next();
                    PtxToken v = next();
                    if (v.kind() != PtxToken.Kind.FLOAT && v.kind() != PtxToken.Kind.INTEGER) {
                        throw error(v, "expected a version number after .version, found " + v.describe());
                    }
                    version = v.text();
                }
                case ".target" -> {
                    next();
                    target = expectName("a target such as sm_75").text();
                    while (accept(",")) {
                        expectName("a target option");
                    }
                }
                case ".address_size" -> {
                    next();
                    PtxToken at = peek();
                    addressSize = (int) expectInteger("32 or 64");
                    if (addressSize != 64 && addressSize != 32) {
                        throw error(at, ".address_size must be 32 or 64");
                    }
                    if (addressSize == 32) {
                        throw error(at, "unsupported PTX feature: .address_size 32 (only 64-bit PTX is supported)");
                    }
                }
                case ".file" -> skipLine(next());
                case ".section" -> skipSection();
                case ".entry", ".func" -> functions.add(function(external));
                case ".alias", ".pragma" -> skipTo(";");
                default -> {
                    if (VARIABLE_SPACES.contains(d)) {
                        variables.addAll(declaration(external));
                        expect(";", "after a variable declaration");
                    } else {
                        throw error(t, "unknown PTX directive '" + d + "'");
                    }
                }
            }
            external = false;
        }
        if (version == null) {
            throw CompileException.at(file.pos(0), "PTX must start with a .version directive");
        }
        return new PtxModule(file, version, target, addressSize, variables, functions);
    }

    private void skipSection() {
        next();
        while (peek().kind() != PtxToken.Kind.END && !peek().is("{")) {
            next();
        }
        int depth = 0;
        do {
            PtxToken t = next();
            if (t.kind() == PtxToken.Kind.END) {
                throw error(t, "unterminated .section");
            }
            depth += t.is("{") ? 1 : t.is("}") ? -1 : 0;
        } while (depth > 0);
    }

    // ------------------------------------------------------------------ declarations

    /** {@code .space [.align n] [.vN] .type name[dims] [= init] (, name ...)*}, without the ';'. */
    private List<PtxVariable> declaration(boolean external) {
        return declaration(external, false);
    }

    /** {@code single}: one name only (in parameter lists, commas separate parameters). */
    private List<PtxVariable> declaration(boolean external, boolean single) {
        PtxToken spaceTok = next();
        StateSpace space = StateSpace.of(spaceTok.text())
                .orElseThrow(() -> error(spaceTok, "expected a state space, found " + spaceTok.describe()));
        int align = 0;
        int vector = 0;
        PtxType type = null;
        while (type == null) {
            PtxToken t = peek();
            if (t.is(".align")) {
                next();
                align = (int) expectInteger("an alignment");
            } else if (t.is(".v2") || t.is(".v4") || t.is(".v8")) {
                next();
                vector = t.text().charAt(2) - '0';
            } else if (t.is(".ptr")) {
                next();
            } else if (t.kind() == PtxToken.Kind.DIRECTIVE && PtxType.of(t.text()).isPresent()) {
                next();
                type = PtxType.of(t.text()).get();
            } else if (t.kind() == PtxToken.Kind.DIRECTIVE && (t.text().startsWith(".tex") || t.text().startsWith(".surf")
                    || t.text().startsWith(".samplerref"))) {
                throw error(t, "unsupported PTX feature: texture and surface references ('" + t.text() + "')");
            } else if (t.kind() == PtxToken.Kind.DIRECTIVE && t.text().equals(".attribute")) {
                next();
                expect("(", "after .attribute");
                skipTo(")");
            } else {
                throw error(t, "expected a type in the declaration, found " + t.describe());
            }
        }
        pointerAttributes();
        List<PtxVariable> out = new ArrayList<>();
        do {
            PtxToken nameTok = expectName("a name");
            long count = 0;
            int range = 0;
            if (accept("<")) {
                range = (int) expectInteger("a register count");
                expect(">", "after the register count");
            }
            while (accept("[")) {
                if (accept("]")) {
                    count = -1;
                    continue;
                }
                PtxToken sizeTok = peek();
                long n = expectInteger("an array size");
                expect("]", "after the array size");
                if (n < 0 || n > MAX_ELEMENTS || (count > 0 && n > 0 && count > MAX_ELEMENTS / n)) {
                    // the byte size is checked against static-data-bytes; this keeps the product from overflowing
                    throw error(sizeTok, "array '" + nameTok.text() + "' is too large");
                }
                count = count == 0 ? n : count * n;
            }
            List<PtxLiteral> init = List.of();
            if (accept("=")) {
                init = new ArrayList<>();
                initializer(init);
            }
            out.add(new PtxVariable(space, type, vector, align, nameTok.text(), count, range, init, external,
                    pos(nameTok)));
        } while (!single && accept(","));
        return out;
    }

    /** {@code .ptr [.space] [.align n]} after a kernel parameter's type. */
    private void pointerAttributes() {
        if (!accept(".ptr")) {
            return;
        }
        if (peek().kind() == PtxToken.Kind.DIRECTIVE && StateSpace.of(peek().text()).isPresent()) {
            next();
        }
        if (accept(".align")) {
            expectInteger("an alignment");
        }
    }

    private void initializer(List<PtxLiteral> out) {
        budget.checkNesting(++nesting, pos(peek()));
        try {
            initializerInner(out);
        } finally {
            nesting--;
        }
    }

    private void initializerInner(List<PtxLiteral> out) {
        budget.countAstNode(pos(peek()));
        if (accept("{")) {
            if (!peek().is("}")) {
                do {
                    initializer(out);
                } while (accept(","));
            }
            expect("}", "to close the initializer");
            return;
        }
        PtxToken t = peek();
        if (t.kind() == PtxToken.Kind.NAME) {
            next();
            String name = t.text();
            if ((name.equals("generic") || name.equals("global") || name.equals("shared")) && accept("(")) {
                name = expectName("a variable name").text();
                expect(")", "after the address");
            }
            out.add(new PtxLiteral.Address(name, pos(t)));
            return;
        }
        boolean negative = accept("-");
        PtxToken n = next();
        if (n.kind() == PtxToken.Kind.INTEGER) {
            long v = integerValue(n);
            out.add(new PtxLiteral.Int(negative ? -v : v, pos(t)));
        } else if (n.kind() == PtxToken.Kind.FLOAT) {
            PtxOperand.FloatImmediate f = floatValue(n, negative);
            out.add(new PtxLiteral.Float(f.value(), f.single(), f.bits(), pos(t)));
        } else {
            throw error(n, "expected a value in the initializer, found " + n.describe());
        }
    }

    // ------------------------------------------------------------------ functions

    private PtxFunction function(boolean external) {
        loc = null;
        boolean entry = next().is(".entry");
        List<PtxVariable> returns = List.of();
        if (!entry && peek().is("(")) {
            returns = parameterList();
        }
        PtxToken nameTok = expectName("a function name");
        List<PtxVariable> params = List.of();
        if (peek().is("(")) {
            params = parameterList();
        }
        io.cudawasm.kernels.kir.ClusterDims clusterDims = null;
        while (peek().kind() == PtxToken.Kind.DIRECTIVE) {
            PtxToken d = peek();
            if (d.is(".pragma")) {
                skipTo(";");
            } else if (PERFORMANCE.contains(d.text())) {
                next();
                List<Long> values = new ArrayList<>();
                while (peek().kind() == PtxToken.Kind.INTEGER || peek().is(",")) {
                    PtxToken t = next();
                    if (t.kind() == PtxToken.Kind.INTEGER) {
                        values.add(integerValue(t));
                    }
                }
                if (d.is(".reqnctapercluster")) {
                    // __cluster_dims__: the blocks of each cluster run at once and reach each other's shared memory
                    clusterDims = clusterDims(d, values);
                }
            } else {
                throw error(d, "unexpected directive '" + d.text() + "' before the function body");
            }
        }
        if (accept(";")) {
            return new PtxFunction(entry, nameTok.text(), returns, params, null, pos(nameTok), clusterDims);
        }
        expect("{", "to start the body of " + nameTok.text());
        List<PtxStatement> body = body(false);
        return new PtxFunction(entry, nameTok.text(), returns, params, body, pos(nameTok), clusterDims);
    }

    private List<PtxVariable> parameterList() {
        expect("(", "to start the parameter list");
        List<PtxVariable> out = new ArrayList<>();
        if (!accept(")")) {
            do {
                PtxToken t = peek();
                if (!t.is(".param") && !t.is(".reg")) {
                    throw error(t, "expected '.param' in the parameter list, found " + t.describe());
                }
                out.addAll(declaration(false, true));
            } while (accept(","));
            expect(")", "to close the parameter list");
        }
        return out;
    }

    /** A function body up to its closing brace, or ({@code inline}) a template up to its end. */
    private List<PtxStatement> body(boolean inline) {
        List<PtxStatement> out = new ArrayList<>();
        int depth = 0;
        while (true) {
            PtxToken t = peek();
            if (t.kind() == PtxToken.Kind.END) {
                if (inline && depth == 0) {
                    return out;
                }
                throw error(t, inline ? "missing '}' in the assembly template" : "missing '}' at the end of the function body");
            }
            budget.countAstNode(pos(t));
            if (t.is("{")) {
                next();
                depth++;
                budget.checkNesting(depth, pos(t));
                out.add(new PtxStatement.ScopeStart(pos(t)));
            } else if (t.is("}")) {
                next();
                if (depth == 0) {
                    if (inline) {
                        throw error(t, "unbalanced '}' in the assembly template");
                    }
                    return out;
                }
                depth--;
                out.add(new PtxStatement.ScopeEnd(pos(t)));
            } else if (t.kind() == PtxToken.Kind.DIRECTIVE) {
                if (t.is(".loc")) {
                    locDirective(next());
                } else if (t.is(".file")) {
                    skipLine(next());
                } else if (t.is(".pragma")) {
                    skipTo(";");
                } else if (BODY_SPACES.contains(t.text())) {
                    for (PtxVariable v : declaration(false)) {
                        out.add(new PtxStatement.Declaration(v));
                    }
                    expect(";", "after a declaration");
                } else {
                    throw error(t, "unexpected directive '" + t.text() + "' in a function body");
                }
            } else if (t.kind() == PtxToken.Kind.NAME && peek(1).is(":") && peek(2).is(".callprototype")) {
                // 'prototype_0 : .callprototype (...) _ (...);' names the shape of an indirect call; the
                // call's own parameters say the same, so the dispatch matches functions on those
                skipTo(";");
            } else if (t.kind() == PtxToken.Kind.NAME && peek(1).is(":")) {
                next();
                next();
                out.add(new PtxStatement.Label(t.text(), pos(t)));
            } else if (t.is(";")) {
                next();
            } else {
                out.add(instruction());
            }
        }
    }

    private static final java.util.Set<String> TEXTURE_AND_SURFACE = java.util.Set.of("tex", "tld4", "txq", "suld",
            "sust", "sured", "suq", "istypep");

    private PtxStatement.Instruction instruction() {
        PtxStatement.Guard guard = null;
        PtxToken start = peek();
        if (accept("@")) {
            boolean negated = accept("!");
            PtxToken reg = expectName("a predicate register after '@'");
            guard = new PtxStatement.Guard(reg.text(), negated, pos(reg));
        }
        PtxToken op = peek();
        if (op.kind() != PtxToken.Kind.NAME || op.text().startsWith("%") || op.text().startsWith("$")) {
            throw error(op, "expected an instruction, found " + op.describe());
        }
        next();
        List<String> parts = new ArrayList<>(Arrays.asList(op.text().split("\\.")));
        String opcode = parts.remove(0);
        if (TEXTURE_AND_SURFACE.contains(opcode)) {
            // named before their operands, whose '[tex, {x, y}]' form the parser does not model
            throw error(op, "unsupported PTX instruction '" + op.text() + "': texture and surface instructions");
        }
        List<PtxOperand> operands = new ArrayList<>();
        if (!peek().is(";")) {
            do {
                operands.add(operand());
            } while (accept(","));
        }
        if (!peek().is(";")) {
            throw error(peek(), "expected ';' after the operands of '" + op.text() + "', found " + peek().describe());
        }
        next();
        return new PtxStatement.Instruction(guard, opcode, parts, operands, pos(guard != null ? start : op), loc);
    }

    // ------------------------------------------------------------------ operands

    private PtxOperand operand() {
        budget.checkNesting(++nesting, pos(peek()));
        try {
            return operandInner();
        } finally {
            nesting--;
        }
    }

    private PtxOperand operandInner() {
        PtxToken t = peek();
        SourcePos at = pos(t);
        budget.countAstNode(at);
        if (accept("[")) {
            return address(at);
        }
        if (accept("{")) {
            List<PtxOperand> elems = new ArrayList<>();
            do {
                elems.add(operand());
            } while (accept(","));
            expect("}", "to close the vector operand");
            return new PtxOperand.Vector(elems, at);
        }
        if (accept("(")) {
            List<PtxOperand> elems = new ArrayList<>();
            if (!accept(")")) {
                do {
                    elems.add(operand());
                } while (accept(","));
                expect(")", "to close the operand list");
            }
            return new PtxOperand.Parenthesized(elems, at);
        }
        if (accept("!")) {
            return new PtxOperand.Negated(operand(), at);
        }
        if (t.is("-") || t.kind() == PtxToken.Kind.INTEGER || t.kind() == PtxToken.Kind.FLOAT) {
            boolean negative = accept("-");
            PtxToken n = next();
            if (n.kind() == PtxToken.Kind.INTEGER) {
                long v = integerValue(n);
                return new PtxOperand.IntImmediate(negative ? -v : v, at);
            }
            if (n.kind() == PtxToken.Kind.FLOAT) {
                return floatValue(n, negative);
            }
            throw error(n, "expected a number after '-', found " + n.describe());
        }
        if (t.kind() == PtxToken.Kind.NAME) {
            next();
            PtxOperand first;
            if (t.text().equals("_")) {
                first = new PtxOperand.Sink(at);
            } else if (t.text().startsWith("%")) {
                first = new PtxOperand.Register(t.text(), at);
            } else {
                first = new PtxOperand.Symbol(t.text(), at);
            }
            if (accept("|")) {
                return new PtxOperand.Pair(first, operand(), at);
            }
            return first;
        }
        throw error(t, "expected an operand, found " + t.describe());
    }

    private PtxOperand address(SourcePos at) {
        PtxToken t = peek();
        PtxOperand base = null;
        long offset = 0;
        if (t.kind() == PtxToken.Kind.NAME) {
            next();
            base = t.text().startsWith("%") ? new PtxOperand.Register(t.text(), pos(t))
                    : new PtxOperand.Symbol(t.text(), pos(t));
        } else if (t.kind() == PtxToken.Kind.INTEGER) {
            next();
            offset = integerValue(t);
        } else {
            throw error(t, "expected a register, variable or address in '[...]', found " + t.describe());
        }
        if (base != null && (peek().is("+") || peek().is("-"))) {
            boolean minus = next().is("-");
            long v = expectInteger("an address offset");
            offset = minus ? -v : v;
        }
        if (peek().is(",") && base != null && offset == 0) {
            next();
            PtxToken open = peek();
            if (!(operand() instanceof PtxOperand.Vector coordinates)) {
                throw error(open, "expected '{' and the coordinates after the object in '[a, {...}]'");
            }
            expect("]", "to close the address");
            return new PtxOperand.IndexedAddress(base, coordinates.elements(), at);
        }
        expect("]", "to close the address");
        return new PtxOperand.Address(base, offset, at);
    }

    private PtxOperand.FloatImmediate floatValue(PtxToken n, boolean negative) {
        String s = n.text();
        SourcePos at = pos(n);
        char kind = s.length() > 1 ? Character.toLowerCase(s.charAt(1)) : ' ';
        if (s.startsWith("0") && kind == 'f') {
            if (s.length() != 10) {
                throw error(n, "single-precision hex literal '" + s + "' needs exactly 8 hex digits");
            }
            int bits = Integer.parseUnsignedInt(s.substring(2), 16);
            if (negative) {
                bits ^= 0x8000_0000;
            }
            return new PtxOperand.FloatImmediate(Float.intBitsToFloat(bits), true, bits & 0xFFFF_FFFFL, at);
        }
        if (s.startsWith("0") && kind == 'd') {
            if (s.length() != 18) {
                throw error(n, "double-precision hex literal '" + s + "' needs exactly 16 hex digits");
            }
            long bits = Long.parseUnsignedLong(s.substring(2), 16);
            if (negative) {
                bits ^= Long.MIN_VALUE;
            }
            return new PtxOperand.FloatImmediate(Double.longBitsToDouble(bits), false, bits, at);
        }
        double v = Double.parseDouble(s);
        if (negative) {
            v = -v;
        }
        return new PtxOperand.FloatImmediate(v, false, Double.doubleToRawLongBits(v), at);
    }

    /** {@code .reqnctapercluster x, y, z} (omitted dimensions 1), at most {@link io.cudawasm.kernels.kir.ClusterDims#MAX_BLOCKS} blocks. */
    private io.cudawasm.kernels.kir.ClusterDims clusterDims(PtxToken d, List<Long> values) {
        long[] dims = {1, 1, 1};
        if (values.isEmpty() || values.size() > 3) {
            throw error(d, ".reqnctapercluster takes one to three dimensions");
        }
        for (int i = 0; i < values.size(); i++) {
            dims[i] = values.get(i);
            if (dims[i] < 1 || dims[i] > io.cudawasm.kernels.kir.ClusterDims.MAX_BLOCKS) {
                throw error(d, ".reqnctapercluster dimensions must be 1 to " + io.cudawasm.kernels.kir.ClusterDims.MAX_BLOCKS);
            }
        }
        if (dims[0] * dims[1] * dims[2] > io.cudawasm.kernels.kir.ClusterDims.MAX_BLOCKS) {
            throw error(d, "a cluster of " + dims[0] * dims[1] * dims[2] + " blocks: a cluster holds at most "
                    + io.cudawasm.kernels.kir.ClusterDims.MAX_BLOCKS + " blocks (CUDA's portable cluster size)");
        }
        return new io.cudawasm.kernels.kir.ClusterDims((int) dims[0], (int) dims[1], (int) dims[2]);
    }
}
