package io.cudawasm.runtime.language;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random C function bodies whose behaviour is defined (so any C compiler must compute the same
 * results): integer arithmetic of every width with promotions and conversions, shifts, float and
 * double arithmetic, casts, conditionals, loops with side effects in their conditions, switch with
 * fall-through, arrays, structs and unions. Undefined behaviour is avoided the way Csmith does: a
 * signed operation that could overflow, a division, a left shift of a signed value and a
 * floating-to-integer conversion go through small "safe" functions (which still perform the raw
 * operation whenever it is defined); shift counts are masked; loops run a bounded number of times.
 *
 * <p>Each body writes {@value #SLOTS} results to {@code out} as unsigned 64-bit words (floats by
 * their bits, NaN canonical). {@link #PRELUDE} holds the safe functions, written once for both
 * compilers: {@code DEV} is {@code __device__} for CUDA and {@code static} for C, and
 * {@code FBITS}/{@code DBITS} read a float's bits.
 */
final class RandomCProgram {
    static final int SLOTS = 16;

    /** The parameters every generated function takes after {@code out}. */
    static final String PARAMS = "int pa, int pb, unsigned pu, long long pl, unsigned long long pq, float pf, double pd";

    static final String PRELUDE = """
            #define I_MAX 2147483647
            #define I_MIN (-2147483647 - 1)
            #define L_MAX 9223372036854775807LL
            #define L_MIN (-9223372036854775807LL - 1)
            DEV int add_i(int a, int b) { return ((b > 0 && a > I_MAX - b) || (b < 0 && a < I_MIN - b)) ? a : a + b; }
            DEV int sub_i(int a, int b) { return ((b < 0 && a > I_MAX + b) || (b > 0 && a < I_MIN + b)) ? a : a - b; }
            DEV int mul_i(int a, int b) {
                long long p = (long long)a * b;
                return (p > I_MAX || p < I_MIN) ? a : a * b;
            }
            DEV int div_i(int a, int b) { return (b == 0 || (a == I_MIN && b == -1)) ? a : a / b; }
            DEV int rem_i(int a, int b) { return (b == 0 || (a == I_MIN && b == -1)) ? a : a % b; }
            DEV int neg_i(int a) { return a == I_MIN ? a : -a; }
            DEV int shl_i(int a, int b) { return (int)((unsigned)a << (b & 31)); }
            DEV long long add_l(long long a, long long b) { return ((b > 0 && a > L_MAX - b) || (b < 0 && a < L_MIN - b)) ? a : a + b; }
            DEV long long sub_l(long long a, long long b) { return ((b < 0 && a > L_MAX + b) || (b > 0 && a < L_MIN + b)) ? a : a - b; }
            DEV long long mul_l(long long a, long long b) {
                return ((a > 0 && b > 0 && a > L_MAX / b) || (a > 0 && b <= 0 && b < L_MIN / a)
                        || (a <= 0 && b > 0 && a < L_MIN / b) || (a < 0 && b <= 0 && b < L_MAX / a)) ? a : a * b;
            }
            DEV long long div_l(long long a, long long b) { return (b == 0 || (a == L_MIN && b == -1)) ? a : a / b; }
            DEV long long rem_l(long long a, long long b) { return (b == 0 || (a == L_MIN && b == -1)) ? a : a % b; }
            DEV long long neg_l(long long a) { return a == L_MIN ? a : -a; }
            DEV long long shl_l(long long a, long long b) { return (long long)((unsigned long long)a << (b & 63)); }
            DEV unsigned div_u(unsigned a, unsigned b) { return b == 0 ? a : a / b; }
            DEV unsigned rem_u(unsigned a, unsigned b) { return b == 0 ? a : a % b; }
            DEV unsigned long long div_q(unsigned long long a, unsigned long long b) { return b == 0 ? a : a / b; }
            DEV unsigned long long rem_q(unsigned long long a, unsigned long long b) { return b == 0 ? a : a % b; }
            DEV int f2i(float x) { return (x >= -2147483648.0f && x < 2147483648.0f) ? (int)x : 0; }
            DEV unsigned f2u(float x) { return (x > -1.0f && x < 4294967296.0f) ? (unsigned)x : 0u; }
            DEV long long d2l(double x) { return (x >= -9223372036854775808.0 && x < 9223372036854775808.0) ? (long long)x : 0; }
            DEV unsigned long long d2q(double x) { return (x > -1.0 && x < 18446744073709551616.0) ? (unsigned long long)x : 0; }
            typedef struct { int a; unsigned char b; short c; long long d; float e; } S;
            typedef union { unsigned u; float f; unsigned short h[2]; unsigned char c[4]; } U;
            DEV long long sum_s(S s) { return (long long)s.a + s.b + s.c + (s.d & 0xFFFF) + f2i(s.e); }
            DEV float canon_f(float x) { return x != x ? 0.25f : x; }
            DEV unsigned mix(unsigned x, int y) { return (x ^ (unsigned)y) * 2654435761u + (x >> 7); }
            """;

    /** C types the generator uses, with what C's conversions need to know of them. */
    enum Type {
        SCHAR("signed char", 1, true, 1), UCHAR("unsigned char", 1, false, 1), SHORT("short", 2, true, 2),
        USHORT("unsigned short", 2, false, 2), INT("int", 4, true, 3), UINT("unsigned", 4, false, 3),
        LL("long long", 8, true, 4), ULL("unsigned long long", 8, false, 4), FLOAT("float", 4, true, 10),
        DOUBLE("double", 8, true, 11);

        final String c;
        final int size;
        final boolean signed;
        final int rank;

        Type(String c, int size, boolean signed, int rank) {
            this.c = c;
            this.size = size;
            this.signed = signed;
            this.rank = rank;
        }

        boolean floating() {
            return this == FLOAT || this == DOUBLE;
        }

        Type promoted() {
            return rank < 3 ? INT : this;
        }

        static Type usual(Type a, Type b) {
            if (a == DOUBLE || b == DOUBLE) {
                return DOUBLE;
            }
            if (a == FLOAT || b == FLOAT) {
                return FLOAT;
            }
            a = a.promoted();
            b = b.promoted();
            if (a == b) {
                return a;
            }
            if (a.signed == b.signed) {
                return a.rank > b.rank ? a : b;
            }
            Type u = a.signed ? b : a;
            Type s = a.signed ? a : b;
            if (u.rank >= s.rank) {
                return u;
            }
            return s.size > u.size ? s : (s == LL ? ULL : UINT);
        }
    }

    record Expr(String text, Type type) {}

    private record Var(String name, Type type, boolean writable) {}

    /** Whether the generator may place side effects inside && / || / ?: of do-while conditions and for increments. */
    private final boolean sideEffectsInLoopHeaders;
    private final SplittableRandom r;
    private final List<Var> vars = new ArrayList<>();
    private final StringBuilder out = new StringBuilder();
    private int indent = 1;
    private int loopDepth;
    private int counters;
    private int statements;

    private RandomCProgram(long seed, boolean sideEffectsInLoopHeaders) {
        this.r = new SplittableRandom(seed);
        this.sideEffectsInLoopHeaders = sideEffectsInLoopHeaders;
    }

    /** The body of one function {@code (unsigned long long* out, PARAMS)}. */
    static String body(long seed, boolean sideEffectsInLoopHeaders) {
        return new RandomCProgram(seed, sideEffectsInLoopHeaders).generate();
    }

    private String generate() {
        vars.add(new Var("pa", Type.INT, false));
        vars.add(new Var("pb", Type.INT, false));
        vars.add(new Var("pu", Type.UINT, false));
        vars.add(new Var("pl", Type.LL, false));
        vars.add(new Var("pq", Type.ULL, false));
        vars.add(new Var("pf", Type.FLOAT, false));
        vars.add(new Var("pd", Type.DOUBLE, false));
        line("int sc = 0;");
        line("int arr[8] = {" + r.nextInt(100) + ", -" + r.nextInt(100) + ", 7, " + r.nextInt(1000) + ", 0, 1, -1, "
                + r.nextInt(50) + "};");
        line("S s = {" + r.nextInt(-50, 50) + ", " + r.nextInt(256) + ", " + r.nextInt(-300, 300) + ", "
                + r.nextLong() + "LL, " + r.nextInt(100) + ".5f};");
        line("U u;");
        line("u.u = " + Integer.toUnsignedString(r.nextInt()) + "u;");
        int locals = 5 + r.nextInt(5);
        for (int i = 0; i < locals; i++) {
            Type t = Type.values()[r.nextInt(Type.values().length)];
            Expr init = expr(2);
            line(t.c + " v" + i + " = " + convertTo(init, t) + ";");
            vars.add(new Var("v" + i, t, true));
        }
        int n = 6 + r.nextInt(10);
        for (int i = 0; i < n; i++) {
            statement(0);
        }
        int slot = 0;
        for (Var v : vars) {
            if (v.writable() && slot < SLOTS - 4) {
                line("out[" + slot++ + "] = " + bits(v.name(), v.type()) + ";");
            }
        }
        line("out[" + slot++ + "] = (unsigned long long)sc;");
        line("out[" + slot++ + "] = (unsigned long long)((long long)arr[0] + arr[1] * 3LL + arr[2] * 5LL + arr[3] * 7LL"
                + " + arr[4] + arr[5] + arr[6] + arr[7]);");
        line("out[" + slot++ + "] = (unsigned long long)sum_s(s);");
        line("out[" + slot + "] = (unsigned long long)u.u;");
        return out.toString();
    }

    private static String bits(String v, Type t) {
        return switch (t) {
            case FLOAT -> "FBITS(" + v + ")";
            case DOUBLE -> "DBITS(" + v + ")";
            default -> "(unsigned long long)" + v;
        };
    }

    private void line(String s) {
        out.append("    ".repeat(indent)).append(s).append('\n');
    }

    // ------------------------------------------------------------------ statements

    private void statement(int depth) {
        statements++;
        int k = r.nextInt(100);
        if (depth >= 2 || statements > 40) {
            k = r.nextInt(45);
        }
        if (k < 35) {
            assignment();
        } else if (k < 45) {
            memoryOp();
        } else if (k < 58) {
            line("if (" + condition(2) + ") {");
            block(depth);
            if (r.nextBoolean()) {
                line("} else {");
                block(depth);
            }
            line("}");
        } else if (k < 68) {
            String i = "i" + counters++;
            int trips = 1 + r.nextInt(5);
            String step = sideEffectsInLoopHeaders && r.nextInt(3) == 0
                    ? i + "++, (" + condition(1) + " && (sc += 3) > 0)" : i + "++";
            line("for (int " + i + " = 0; " + i + " < " + trips + "; " + step + ") {");
            loop(depth, i, true);
            line("}");
        } else if (k < 78) {
            String d = "d" + counters++;
            int trips = 1 + r.nextInt(5);
            line("int " + d + " = 0;");
            line("do {");
            loop(depth, d, true);
            String cond = "++" + d + " < " + trips;
            if (sideEffectsInLoopHeaders && r.nextBoolean()) {
                cond = "(" + cond + ") && (" + condition(1) + " || (sc++ >= 0))";
            }
            line("} while (" + cond + ");");
        } else if (k < 86) {
            String w = "w" + counters++;
            int trips = 1 + r.nextInt(5);
            line("int " + w + " = 0;");
            line("while (" + w + "++ < " + trips + " && (" + condition(1) + " || (sc++ & 1) == 0)) {");
            loop(depth, w, false);
            line("}");
        } else if (k < 94) {
            line("switch ((" + integer(expr(2)) + ") & 3) {");
            line("case 0: {");
            block(depth);
            line("} break;");
            line("case 1: {");
            block(depth);
            line("}"); // falls through
            line("case 2: {");
            block(depth);
            line("} break;");
            line("default: {");
            block(depth);
            line("}");
            line("}");
        } else {
            line("{");
            indent++;
            Type t = Type.values()[r.nextInt(Type.values().length)];
            String name = "b" + counters++;
            line(t.c + " " + name + " = " + convertTo(expr(2), t) + ";");
            Var v = new Var(name, t, true);
            vars.add(v);
            assignment();
            line("sc += (int)(" + bits(name, t) + " & 0xFF);");
            vars.remove(v);
            indent--;
            line("}");
        }
    }

    private void block(int depth) {
        indent++;
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            statement(depth + 1);
        }
        indent--;
    }

    /** A loop body that may continue or break; the counter is readable but never written. */
    private void loop(int depth, String counter, boolean mayContinue) {
        Var c = new Var(counter, Type.INT, false);
        vars.add(c);
        loopDepth++;
        indent++;
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            statement(depth + 1);
            int k = r.nextInt(10);
            if (k == 0 && mayContinue) {
                line("if (" + condition(1) + ") continue;");
            } else if (k == 1) {
                line("if (" + condition(1) + ") break;");
            }
        }
        indent--;
        loopDepth--;
        vars.remove(c);
    }

    private void assignment() {
        Var v = writable();
        Expr e = expr(3);
        int k = r.nextInt(10);
        Type common = Type.usual(v.type(), e.type());
        if (k < 3 && (!common.signed || common.floating())) {
            String op = common.floating() ? new String[] {"+=", "-=", "*="}[r.nextInt(3)]
                    : new String[] {"+=", "-=", "*=", "&=", "|=", "^="}[r.nextInt(6)];
            if (v.type().floating() || !e.type().floating()) {
                line(v.name() + " " + op + " " + paren(e) + ";");
                return;
            }
        }
        if (k == 3 && !v.type().floating()) {
            String op = new String[] {"&=", "|=", "^="}[r.nextInt(3)];
            line(v.name() + " " + op + " " + integer(e) + ";");
            return;
        }
        if (k == 4 && (!v.type().signed || v.type().rank < 3 || v.type().floating())) {
            line(v.name() + (r.nextBoolean() ? "++;" : "--;"));
            return;
        }
        if (k == 5 && !v.type().signed && !v.type().floating()) {
            line(v.name() + (r.nextBoolean() ? " <<= " : " >>= ") + "(" + integer(e) + ") & 7;");
            return;
        }
        line(v.name() + " = " + convertTo(e, v.type()) + ";");
    }

    private void memoryOp() {
        switch (r.nextInt(6)) {
            case 0 -> line("arr[(" + integer(expr(2)) + ") & 7] = " + convertTo(expr(2), Type.INT) + ";");
            case 1 -> line("s." + new String[] {"a", "b", "c", "d"}[r.nextInt(4)] + " = " + convertTo(expr(2),
                    Type.values()[r.nextInt(8)]) + ";");
            case 2 -> line("s.e = " + convertTo(expr(2), Type.FLOAT) + ";");
            case 3 -> line("u.f = canon_f(" + convertTo(expr(2), Type.FLOAT) + ");");
            case 4 -> line("u.h[" + r.nextInt(2) + "] = " + convertTo(expr(2), Type.USHORT) + ";");
            default -> line("u.c[" + r.nextInt(4) + "] += (unsigned char)(" + convertTo(expr(2), Type.UCHAR) + ");");
        }
    }

    private Var writable() {
        List<Var> w = vars.stream().filter(Var::writable).toList();
        return w.get(r.nextInt(w.size()));
    }

    // ------------------------------------------------------------------ expressions

    private static String paren(Expr e) {
        return "(" + e.text() + ")";
    }

    /** A truth value; may carry a side effect on {@code sc}, which no other operand reads. */
    private String condition(int depth) {
        Expr a = expr(depth);
        Expr b = expr(depth);
        String cmp = new String[] {"<", ">", "<=", ">=", "==", "!="}[r.nextInt(6)];
        String c = paren(a) + " " + cmp + " " + paren(b);
        return switch (r.nextInt(6)) {
            case 0 -> "(sc++ < " + r.nextInt(6) + ") && (" + c + ")";
            case 1 -> "(" + c + ") || (sc += 2) > " + r.nextInt(20);
            case 2 -> "!(" + c + ")";
            default -> c;
        };
    }

    /** An integer expression (a floating one converted safely). */
    private String integer(Expr e) {
        return e.type().floating() ? "d2l(" + e.text() + ")" : e.text();
    }

    /** {@code e} converted to {@code t}, as assignment converts, with floating-to-integer made safe. */
    private static String convertTo(Expr e, Type t) {
        if (e.type().floating() && !t.floating()) {
            return switch (t) {
                case INT -> "f2i((float)(" + e.text() + "))";
                case UINT -> "f2u((float)(" + e.text() + "))";
                case ULL -> "d2q(" + e.text() + ")";
                default -> "(" + t.c + ")d2l(" + e.text() + ")";
            };
        }
        return e.text();
    }

    private Expr expr(int depth) {
        if (depth <= 0 || r.nextInt(4) == 0) {
            return leaf();
        }
        int k = r.nextInt(100);
        if (k < 50) {
            return binary(depth);
        }
        if (k < 62) {
            return unary(depth);
        }
        if (k < 74) {
            Type t = Type.values()[r.nextInt(Type.values().length)];
            Expr e = expr(depth - 1);
            return new Expr("(" + t.c + ")" + paren(new Expr(convertTo(e, t), t)), t);
        }
        if (k < 82) {
            Expr a = expr(depth - 1);
            Expr b = expr(depth - 1);
            Type t = Type.usual(a.type(), b.type());
            return new Expr("(" + condition(depth - 1).replace("sc++", "(sc + 1)").replace("(sc += 2)", "(sc + 2)")
                    + ") ? " + paren(a) + " : " + paren(b), t);
        }
        if (k < 88) {
            return new Expr("mix(" + convertTo(expr(depth - 1), Type.UINT) + ", " + convertTo(expr(depth - 1), Type.INT)
                    + ")", Type.UINT);
        }
        if (k < 92) {
            return new Expr("arr[(" + integer(expr(depth - 1)) + ") & 7]", Type.INT);
        }
        if (k < 96) {
            String[] f = {"a", "b", "c", "d", "e"};
            Type[] t = {Type.INT, Type.UCHAR, Type.SHORT, Type.LL, Type.FLOAT};
            int i = r.nextInt(5);
            return new Expr("s." + f[i], t[i]);
        }
        String[] f = {"u", "f", "h[1]", "c[0]"};
        Type[] t = {Type.UINT, Type.FLOAT, Type.USHORT, Type.UCHAR};
        int i = r.nextInt(4);
        if (i == 1) {
            // a float read back from arbitrary bits may be a NaN: keep it out of integer conversions
            return new Expr("(u.f != u.f ? 0.5f : u.f)", Type.FLOAT);
        }
        return new Expr("u." + f[i], t[i]);
    }

    private Expr leaf() {
        if (r.nextInt(3) > 0) {
            Var v = vars.get(r.nextInt(vars.size()));
            return new Expr(v.name(), v.type());
        }
        return switch (r.nextInt(9)) {
            case 0 -> new Expr(Integer.toString(r.nextInt(-1000, 1000)).replace("-", "-1 * "), Type.INT);
            case 1 -> new Expr(new String[] {"2147483647", "0x7fffffff", "65535", "255", "0x80"}[r.nextInt(5)], Type.INT);
            case 2 -> new Expr(new String[] {"4294967295u", "0x80000000u", "3u", "0u"}[r.nextInt(4)], Type.UINT);
            case 3 -> new Expr(new String[] {"9223372036854775807LL", "4294967296LL", "-1LL"}[r.nextInt(3)], Type.LL);
            case 4 -> new Expr(new String[] {"0xFFFFFFFFFFFFFFFFull", "0x8000000000000001ull", "12ull"}[r.nextInt(3)],
                    Type.ULL);
            case 5 -> new Expr(new String[] {"1.5f", "-0.0f", "3.0e38f", "1e-40f", "0.1f"}[r.nextInt(5)], Type.FLOAT);
            case 6 -> new Expr(new String[] {"2.5", "1e300", "-1e-310", "0.1", "9.2233720368547758e18"}[r.nextInt(5)],
                    Type.DOUBLE);
            case 7 -> new Expr("'a'", Type.INT);
            default -> new Expr(Integer.toString(r.nextInt(64)), Type.INT);
        };
    }

    private Expr unary(int depth) {
        Expr e = expr(depth - 1);
        Type p = e.type().promoted();
        return switch (r.nextInt(4)) {
            case 0 -> p == Type.INT ? new Expr("neg_i(" + e.text() + ")", p) : p == Type.LL
                    ? new Expr("neg_l(" + e.text() + ")", p) : new Expr("-" + paren(e), p);
            case 1 -> e.type().floating() ? new Expr("-" + paren(e), p) : new Expr("~" + paren(e), p);
            case 2 -> new Expr("!" + paren(e), Type.INT);
            default -> e.type().floating() ? new Expr(
                    new String[] {"sqrt", "fabs", "floor", "ceil", "trunc"}[r.nextInt(5)] + (e.type() == Type.FLOAT ? "f" : "")
                    + paren(e), e.type()) : new Expr("+" + paren(e), p);
        };
    }

    private Expr binary(int depth) {
        Expr a = expr(depth - 1);
        Expr b = expr(depth - 1);
        Type t = Type.usual(a.type(), b.type());
        int k = r.nextInt(13);
        if (k < 3) {
            String op = new String[] {"+", "-", "*"}[k];
            if (t == Type.INT || t == Type.LL) {
                String f = new String[] {"add", "sub", "mul"}[k] + (t == Type.INT ? "_i" : "_l");
                return new Expr(f + "(" + a.text() + ", " + b.text() + ")", t);
            }
            return new Expr(paren(a) + " " + op + " " + paren(b), t);
        }
        if (k < 5) {
            boolean div = k == 3;
            if (t.floating()) {
                return div ? new Expr(paren(a) + " / " + paren(b), t) : binary(depth);
            }
            String f = (div ? "div" : "rem") + switch (t) {
                case INT -> "_i";
                case LL -> "_l";
                case UINT -> "_u";
                default -> "_q";
            };
            return new Expr(f + "(" + a.text() + ", " + b.text() + ")", t);
        }
        if (k < 8) {
            if (t.floating()) {
                return new Expr(paren(a) + " " + new String[] {"+", "-", "*"}[k - 5] + " " + paren(b), t);
            }
            String op = new String[] {"&", "|", "^"}[k - 5];
            return new Expr(paren(a) + " " + op + " " + paren(b), t);
        }
        if (k < 10) {
            Expr x = a.type().floating() ? new Expr("d2l(" + a.text() + ")", Type.LL) : a;
            Expr y = b.type().floating() ? new Expr("d2l(" + b.text() + ")", Type.LL) : b;
            Type p = x.type().promoted();
            int mask = p.size == 8 ? 63 : 31;
            String count = "(" + y.text() + ") & " + mask;
            if (k == 8) {
                if (p == Type.INT) {
                    return new Expr("shl_i(" + x.text() + ", " + count + ")", p);
                }
                if (p == Type.LL) {
                    return new Expr("shl_l(" + x.text() + ", " + count + ")", p);
                }
                return new Expr(paren(x) + " << (" + count + ")", p);
            }
            return new Expr(paren(x) + " >> (" + count + ")", p);
        }
        if (k < 12) {
            String cmp = new String[] {"<", ">", "<=", ">=", "==", "!="}[r.nextInt(6)];
            return new Expr("(" + paren(a) + " " + cmp + " " + paren(b) + ")", Type.INT);
        }
        return new Expr("(" + paren(a) + (r.nextBoolean() ? " && " : " || ") + paren(b) + ")", Type.INT);
    }
}
