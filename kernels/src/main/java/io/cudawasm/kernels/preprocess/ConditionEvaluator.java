package io.cudawasm.kernels.preprocess;

import io.cudawasm.kernels.lex.Literals;
import io.cudawasm.kernels.lex.Token;
import io.cudawasm.kernels.lex.TokenKind;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import java.util.List;

/** Evaluates the integer constant expression of {@code #if} in intmax_t/uintmax_t arithmetic. */
final class ConditionEvaluator {
    /** A value with C's signedness, which decides comparisons, division and shifts. */
    private record Value(long v, boolean unsigned) {}

    private final List<Token> tokens;
    private final Token directive;
    private final CompileBudget budget;
    private int pos;
    private int depth;

    ConditionEvaluator(List<Token> tokens, Token directive, CompileBudget budget) {
        this.tokens = tokens;
        this.directive = directive;
        this.budget = budget;
    }

    long evaluate() {
        Value v = conditional();
        if (pos < tokens.size()) {
            throw error(tokens.get(pos), "token " + tokens.get(pos).describe() + " is not valid in a preprocessor expression");
        }
        return v.v;
    }

    private CompileException error(Token at, String message) {
        return CompileException.at(at == null ? directive.pos() : at.pos(), message);
    }

    private Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : null;
    }

    private boolean accept(String p) {
        Token t = peek();
        if (t != null && t.kind() == TokenKind.PUNCT && t.text().equals(p)) {
            pos++;
            return true;
        }
        return false;
    }

    private Value conditional() {
        Token t = peek();
        budget.checkNesting(++depth, t == null ? directive.pos() : t.pos());
        try {
            return conditionalInner();
        } finally {
            depth--;
        }
    }

    private Value conditionalInner() {
        Value c = binary(0);
        if (accept("?")) {
            Value a = conditional();
            if (!accept(":")) {
                throw error(peek(), "expected ':' in preprocessor conditional expression");
            }
            Value b = conditional();
            boolean u = a.unsigned || b.unsigned;
            return new Value(c.v != 0 ? a.v : b.v, u);
        }
        return c;
    }

    private static final String[][] LEVELS = {
        {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="}, {"<<", ">>"}, {"+", "-"},
        {"*", "/", "%"}
    };

    private Value binary(int level) {
        if (level == LEVELS.length) {
            return unary();
        }
        Value left = binary(level + 1);
        while (true) {
            Token t = peek();
            String op = null;
            if (t != null && t.kind() == TokenKind.PUNCT) {
                for (String candidate : LEVELS[level]) {
                    if (candidate.equals(t.text())) {
                        op = candidate;
                    }
                }
            }
            if (op == null) {
                return left;
            }
            pos++;
            Value right = binary(level + 1);
            left = apply(op, left, right, t);
        }
    }

    private Value apply(String op, Value a, Value b, Token at) {
        boolean u = a.unsigned || b.unsigned;
        return switch (op) {
            case "||" -> new Value(a.v != 0 || b.v != 0 ? 1 : 0, false);
            case "&&" -> new Value(a.v != 0 && b.v != 0 ? 1 : 0, false);
            case "|" -> new Value(a.v | b.v, u);
            case "^" -> new Value(a.v ^ b.v, u);
            case "&" -> new Value(a.v & b.v, u);
            case "==" -> new Value(a.v == b.v ? 1 : 0, false);
            case "!=" -> new Value(a.v != b.v ? 1 : 0, false);
            case "<" -> new Value(compare(a, b, u) < 0 ? 1 : 0, false);
            case ">" -> new Value(compare(a, b, u) > 0 ? 1 : 0, false);
            case "<=" -> new Value(compare(a, b, u) <= 0 ? 1 : 0, false);
            case ">=" -> new Value(compare(a, b, u) >= 0 ? 1 : 0, false);
            case "<<" -> new Value(a.v << b.v, a.unsigned);
            case ">>" -> new Value(a.unsigned ? a.v >>> b.v : a.v >> b.v, a.unsigned);
            case "+" -> new Value(a.v + b.v, u);
            case "-" -> new Value(a.v - b.v, u);
            case "*" -> new Value(a.v * b.v, u);
            case "/", "%" -> {
                if (b.v == 0) {
                    throw error(at, "division by zero in preprocessor expression");
                }
                long r = op.equals("/") ? (u ? Long.divideUnsigned(a.v, b.v) : a.v / b.v)
                        : (u ? Long.remainderUnsigned(a.v, b.v) : a.v % b.v);
                yield new Value(r, u);
            }
            default -> throw error(at, "unexpected operator '" + op + "'");
        };
    }

    private static int compare(Value a, Value b, boolean unsigned) {
        return unsigned ? Long.compareUnsigned(a.v, b.v) : Long.compare(a.v, b.v);
    }

    private Value unary() {
        Token t = peek();
        budget.checkNesting(++depth, t == null ? directive.pos() : t.pos());
        try {
            return unaryInner(t);
        } finally {
            depth--;
        }
    }

    private Value unaryInner(Token t) {
        if (t == null) {
            throw error(tokens.isEmpty() ? null : tokens.get(tokens.size() - 1), "expected value in preprocessor expression");
        }
        if (accept("+")) {
            return unary();
        }
        if (accept("-")) {
            Value v = unary();
            return new Value(-v.v, v.unsigned);
        }
        if (accept("~")) {
            Value v = unary();
            return new Value(~v.v, v.unsigned);
        }
        if (accept("!")) {
            return new Value(unary().v == 0 ? 1 : 0, false);
        }
        if (accept("(")) {
            Value v = conditional();
            if (!accept(")")) {
                throw error(peek(), "expected ')' in preprocessor expression");
            }
            return v;
        }
        pos++;
        if (t.kind() == TokenKind.NUMBER) {
            if (Literals.isFloating(t.text())) {
                throw error(t, "floating constant in preprocessor expression");
            }
            Literals.IntLiteral lit = Literals.parseInteger(t.text(), t.pos());
            return new Value(lit.value(), lit.unsignedSuffix() || !lit.fitsLong());
        }
        if (t.kind() == TokenKind.CHAR) {
            return new Value(Literals.parseChar(t.text(), t.pos()), false);
        }
        throw error(t, "token " + t.describe() + " is not valid in a preprocessor expression");
    }
}
