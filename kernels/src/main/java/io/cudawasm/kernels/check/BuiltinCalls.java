package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.devicelib.RoundedArithmetic;
import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.FenceScope;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.TypeRules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The CUDA device runtime built into the compiler: math, intrinsics, atomics, barriers. */
final class BuiltinCalls {
    /** Base names of the math library: {@code sqrtf} is float, {@code sqrt} is overloaded in C++. */
    private static final Map<String, MathFn> MATH = new HashMap<>();

    static {
        for (MathFn fn : MathFn.values()) {
            if (!fn.name().startsWith("FAST_") && fn != MathFn.SATURATE) {
                MATH.put(fn.name().toLowerCase(Locale.ROOT), fn);
            }
        }
    }

    private static final Map<String, MathFn> FAST = Map.ofEntries(
            Map.entry("__expf", MathFn.FAST_EXP), Map.entry("__exp10f", MathFn.FAST_EXP10),
            Map.entry("__logf", MathFn.FAST_LOG), Map.entry("__log2f", MathFn.FAST_LOG2),
            Map.entry("__log10f", MathFn.FAST_LOG10), Map.entry("__powf", MathFn.FAST_POW),
            Map.entry("__sinf", MathFn.FAST_SIN), Map.entry("__cosf", MathFn.FAST_COS),
            Map.entry("__tanf", MathFn.FAST_TAN), Map.entry("__fdividef", MathFn.FAST_DIVIDE),
            Map.entry("__saturatef", MathFn.SATURATE));

    private static final Map<String, Intrinsic> INTEGER = Map.ofEntries(
            Map.entry("__popc", Intrinsic.POPC), Map.entry("__popcll", Intrinsic.POPCLL),
            Map.entry("__clz", Intrinsic.CLZ), Map.entry("__clzll", Intrinsic.CLZLL),
            Map.entry("__ffs", Intrinsic.FFS), Map.entry("__ffsll", Intrinsic.FFSLL),
            Map.entry("__brev", Intrinsic.BREV), Map.entry("__brevll", Intrinsic.BREVLL),
            Map.entry("__mul24", Intrinsic.MUL24), Map.entry("__umul24", Intrinsic.UMUL24),
            Map.entry("__mulhi", Intrinsic.MULHI), Map.entry("__umulhi", Intrinsic.UMULHI),
            Map.entry("__mul64hi", Intrinsic.MUL64HI), Map.entry("__umul64hi", Intrinsic.UMUL64HI),
            Map.entry("__sad", Intrinsic.SAD), Map.entry("__usad", Intrinsic.USAD));

    private static final Map<String, AtomicOp> ATOMICS = Map.ofEntries(
            Map.entry("atomicAdd", AtomicOp.ADD), Map.entry("atomicSub", AtomicOp.SUB),
            Map.entry("atomicExch", AtomicOp.EXCH), Map.entry("atomicMin", AtomicOp.MIN),
            Map.entry("atomicMax", AtomicOp.MAX), Map.entry("atomicInc", AtomicOp.INC),
            Map.entry("atomicDec", AtomicOp.DEC), Map.entry("atomicCAS", AtomicOp.CAS),
            Map.entry("atomicAnd", AtomicOp.AND), Map.entry("atomicOr", AtomicOp.OR),
            Map.entry("atomicXor", AtomicOp.XOR));

    private static final Set<String> OTHERS = Set.of(
            "abs", "labs", "llabs", "min", "max", "umin", "umax", "llmin", "llmax", "ullmin", "ullmax",
            "__int_as_float", "__float_as_int", "__uint_as_float", "__float_as_uint", "__longlong_as_double",
            "__double_as_longlong", "__double2hiint", "__double2loint", "__hiloint2double",
            "isnan", "isinf", "isfinite", "signbit", "__isnanf", "__isinff", "__finitef", "__isnan", "__isinf",
            "__isfinited", "__signbitf", "__signbitd", "__signbit", "nan", "nanf",
            "sincosf", "sincos", "sincospif", "sincospi", "modff", "modf", "frexpf", "frexp",
            "__ldg", "__ldcg", "__ldca", "__ldcs", "__ldlu", "__ldcv", "__stcg", "__stcs", "__stwb", "__stwt",
            "__syncthreads", "__syncwarp", "__threadfence", "__threadfence_block", "__threadfence_system",
            "__syncthreads_count", "__syncthreads_and", "__syncthreads_or",
            "__trap", "__brkpt", "printf", "malloc", "free", "cudaGraphSetConditional", "memcpy", "memset", "clock",
            "clock64", "__cvta_generic_to_shared", "__cvta_generic_to_global",
            "__shfl_sync", "__shfl_up_sync", "__shfl_down_sync", "__shfl_xor_sync", "__ballot_sync",
            "__any_sync", "__all_sync", "__activemask", "__shfl", "__shfl_up", "__shfl_down", "__shfl_xor",
            "__ballot", "__any", "__all", "__nanosleep", "this_thread_block", "tiled_partition", "sync",
            "this_grid", "coalesced_threads", "__lanemask_lt", "__byte_perm", "__funnelshift_l", "__funnelshift_lc",
            "__funnelshift_r", "__funnelshift_rc", "__reduce_add_sync", "__reduce_min_sync", "__reduce_max_sync",
            "__reduce_and_sync", "__reduce_or_sync", "__reduce_xor_sync", "__match_any_sync", "__match_all_sync",
            "binary_partition", "labeled_partition", "this_cluster", "__clusterDim", "__clusterIdx",
            "__clusterRelativeBlockIdx", "__clusterRelativeBlockRank", "__clusterSizeInBlocks",
            "__clusterGridDimInClusters", "__cluster_barrier_arrive", "__cluster_barrier_arrive_relaxed",
            "__cluster_barrier_wait", "__cluster_map_shared_rank", "__cluster_query_shared_rank",
            "__cw_independent_threads", "__cw_barrier_init", "__cw_barrier_arrive", "__cw_barrier_wait",
            "__cw_tx_expect", "__cw_tx_complete", "__cw_tx_wait");

    private final FunctionContext ctx;

    BuiltinCalls(FunctionContext ctx) {
        this.ctx = ctx;
    }

    private ExpressionLowering exprs() {
        return ctx.exprs;
    }

    static boolean isBuiltin(String name) {
        return MATH.containsKey(name) || MATH.containsKey(stripF(name)) || FAST.containsKey(name)
                || INTEGER.containsKey(name) || ATOMICS.containsKey(atomicBase(name)) || OTHERS.contains(name)
                || name.startsWith("make_") || isConversion(name) || isRounded(name) || VectorMath.handles(name)
                || io.cudawasm.kernels.parse.Parser.isTextureFetch(name);
    }

    private static String stripF(String name) {
        return name.endsWith("f") ? name.substring(0, name.length() - 1) : name;
    }

    private static String atomicBase(String name) {
        return name.replace("_block", "").replace("_system", "");
    }

    private static boolean isConversion(String name) {
        return name.matches("__(float|double|int|uint|ll|ull)2(int|uint|ll|ull|float|double)_r[nzud]");
    }

    private static boolean isRounded(String name) {
        return name.matches("__(fadd|fsub|fmul|fdiv|fmaf|frcp|fsqrt|frsqrt|dadd|dsub|dmul|ddiv|fma|drcp|dsqrt)_r[nzud]");
    }

    private static CompileException error(SourcePos pos, String message) {
        return CompileException.at(pos, message);
    }

    private List<KExpr> values(List<Expr> args) {
        List<KExpr> v = new ArrayList<>();
        for (Expr a : args) {
            v.add(exprs().rvalue(a));
        }
        return v;
    }

    private static void arity(String name, List<Expr> args, int n, SourcePos pos) {
        if (args.size() != n) {
            throw error(pos, "'" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ", " + args.size()
                    + " given");
        }
    }

    /**
     * Device-side {@code memcpy(dst, src, n)} and {@code memset(dst, byte, n)}: a loop over bytes,
     * right for any count and alignment (and overlap-free copies, as C requires), each access a
     * checked one like any other on the WebAssembly path; the result is {@code dst}, as in C.
     */
    private ExpressionLowering.Operand memoryBlock(String name, List<Expr> args, SourcePos pos) {
        arity(name, args, 3, pos);
        KExpr dst = exprs().rvalue(args.get(0));
        if (!(dst.type() instanceof PointerType dp) || dp.constPointee()) {
            throw error(args.get(0).pos(), "'" + name + "' needs a pointer to writable memory as its destination, not '"
                    + dst.type().display() + "'");
        }
        dst = ctx.let(dst, pos);
        KExpr from;
        if (name.equals("memcpy")) {
            KExpr src = exprs().rvalue(args.get(1));
            if (!(src.type() instanceof PointerType sp)) {
                throw error(args.get(1).pos(), "'memcpy' needs a pointer as its source, not '" + src.type().display() + "'");
            }
            from = ctx.let(new KExpr.Convert(new PointerType(ScalarType.UCHAR, sp.space(), true, sp.volatilePointee()),
                    src), pos);
        } else {
            from = ctx.let(new KExpr.Convert(ScalarType.UCHAR, as(exprs().rvalue(args.get(1)), ScalarType.INT, pos)), pos);
        }
        KExpr count = ctx.let(as(exprs().rvalue(args.get(2)), ScalarType.ULONG, pos), pos);
        KExpr bytes = ctx.let(new KExpr.Convert(new PointerType(ScalarType.UCHAR, dp.space(), false, dp.volatilePointee()),
                dst), pos);
        KLocal i = ctx.temp(ScalarType.ULONG, pos);
        ctx.emit(new KStmt.Assign(i, new KExpr.IntConst(ScalarType.ULONG, 0)));
        KExpr at = new KExpr.LocalGet(i);
        KExpr value = name.equals("memcpy") ? new KExpr.Load(new KExpr.PtrAdd(from, at, pos), pos) : from;
        KBlock body = new KBlock(List.of(new KStmt.Store(new KExpr.PtrAdd(bytes, at, pos), value, pos)));
        KBlock step = new KBlock(List.of(new KStmt.Assign(i, new KExpr.Binary(KExpr.BinaryOp.ADD, at,
                new KExpr.IntConst(ScalarType.ULONG, 1), ScalarType.ULONG))));
        ctx.emit(new KStmt.Loop(false, new KExpr.Binary(KExpr.BinaryOp.LT, at, count, ScalarType.BOOL), body, step));
        return new ExpressionLowering.Value(dst);
    }

    private KExpr as(KExpr v, CType t, SourcePos pos) {
        return exprs().convert(v, t, pos, false);
    }

    Operand call(String name, Expr.Ident id, List<Expr> args, SourcePos pos) {
        if (io.cudawasm.kernels.parse.Parser.isTextureFetch(name)) {
            throw error(pos, "texture and surface accesses ('" + name + "') are not supported: the CPU and OpenCL paths "
                    + "have no texture units; pass the data as a pointer and index it");
        }
        // math library
        MathFn fast = FAST.get(name);
        if (fast != null) {
            arity(name, args, fast.arity(), pos);
            return mathOf(fast, ScalarType.FLOAT, values(args), pos);
        }
        if (isRounded(name)) {
            return rounded(name, args, pos);
        }
        if (isConversion(name)) {
            return conversion(name, args, pos);
        }
        MathFn fn = MATH.get(name);
        if (fn != null && !name.equals("abs")) {
            arity(name, args, fn.arity(), pos);
            List<KExpr> vs = values(args);
            boolean single = true;
            for (int i = 0; i < vs.size(); i++) {
                boolean intArg = (fn == MathFn.LDEXP || fn == MathFn.SCALBN) && i == 1;
                if (!intArg && !(vs.get(i).type() instanceof ScalarType s && s.kind() == ScalarKind.FLOAT)) {
                    single = false;
                }
            }
            if (VectorMath.anyVector(vs)) {
                return mathOf(fn, VectorMath.elementOf(vs), vs, pos);
            }
            return math(fn, single ? ScalarType.FLOAT : ScalarType.DOUBLE, vs, pos);
        }
        if (name.endsWith("f") && MATH.containsKey(stripF(name)) && !name.equals("__saturatef")) {
            MathFn f = MATH.get(stripF(name));
            arity(name, args, f.arity(), pos);
            return mathOf(f, ScalarType.FLOAT, values(args), pos);
        }
        Intrinsic in = INTEGER.get(name);
        if (in != null) {
            return integer(name, in, args, pos);
        }
        AtomicOp op = ATOMICS.get(atomicBase(name));
        if (op != null) {
            return atomic(name, op, args, pos);
        }
        if (name.startsWith("make_")) {
            CType t = BuiltinTypes.lookup(name.substring(5));
            if (!(t instanceof StructType st) || !st.isVector()) {
                throw error(pos, "unknown vector type in '" + name + "'");
            }
            return new VectorMath(ctx).make(st, args, pos);
        }
        if (VectorMath.handles(name)) {
            return new VectorMath(ctx).call(name, args, pos);
        }
        return other(name, id.templateArgs(), args, pos);
    }

    /** A math function, applied per component when an argument is a vector (helper_math.h's floorf(float3), ...). */
    private Operand mathOf(MathFn fn, ScalarType precision, List<KExpr> vs, SourcePos pos) {
        if (VectorMath.anyVector(vs)) {
            return new VectorMath(ctx).componentwise(vs, parts -> exprs().toRValue(math(fn, precision, parts, pos), pos),
                    pos);
        }
        return math(fn, precision, vs, pos);
    }

    private Operand math(MathFn fn, ScalarType precision, List<KExpr> vs, SourcePos pos) {
        List<KExpr> conv = new ArrayList<>();
        for (int i = 0; i < vs.size(); i++) {
            KExpr v = vs.get(i);
            if (!(v.type() instanceof ScalarType)) {
                throw error(pos, "'" + fn.cName(precision.kind() == ScalarKind.FLOAT) + "' needs a number, not '"
                        + v.type().display() + "'");
            }
            boolean intArg = (fn == MathFn.LDEXP || fn == MathFn.SCALBN) && i == 1;
            conv.add(as(v, intArg ? ScalarType.INT : precision, pos));
        }
        if (fn == MathFn.ILOGB) {
            KExpr logb = new KExpr.Math(MathFn.LOGB, conv, precision);
            return new Value(new KExpr.Convert(ScalarType.INT, logb));
        }
        return new Value(new KExpr.Math(fn, conv, precision));
    }

    private Operand rounded(String name, List<Expr> args, SourcePos pos) {
        if (!name.endsWith("_rn")) {
            if (!RoundedArithmetic.builds(name)) {
                throw error(pos, "unknown intrinsic '" + name + "' (CUDA has only '" + name.substring(0, name.length() - 3)
                        + "_rn')");
            }
            return libraryCall(name, args, pos);
        }
        String op = name.substring(2, name.length() - 3);
        boolean single = op.startsWith("f") && !op.equals("fma"); // __fma_rn is double, __fmaf_rn float
        ScalarType t = single ? ScalarType.FLOAT : ScalarType.DOUBLE;
        String base = op.substring(1);
        List<KExpr> vs = values(args);
        return switch (base) {
            case "add", "sub", "mul", "div" -> {
                arity(name, args, 2, pos);
                KExpr.BinaryOp b = switch (base) {
                    case "add" -> KExpr.BinaryOp.ADD;
                    case "sub" -> KExpr.BinaryOp.SUB;
                    case "mul" -> KExpr.BinaryOp.MUL;
                    default -> KExpr.BinaryOp.DIV;
                };
                yield new Value(new KExpr.Binary(b, as(vs.get(0), t, pos), as(vs.get(1), t, pos), t));
            }
            case "maf", "ma" -> {
                arity(name, args, 3, pos);
                yield math(MathFn.FMA, t, vs, pos);
            }
            case "rcp" -> {
                arity(name, args, 1, pos);
                yield new Value(new KExpr.Binary(KExpr.BinaryOp.DIV, new KExpr.FloatConst(t, 1.0), as(vs.get(0), t, pos), t));
            }
            case "sqrt" -> {
                arity(name, args, 1, pos);
                yield math(MathFn.SQRT, t, vs, pos);
            }
            case "rsqrt" -> {
                arity(name, args, 1, pos);
                yield math(MathFn.RSQRT, t, vs, pos);
            }
            default -> throw error(pos, "unknown intrinsic '" + name + "'");
        };
    }

    /**
     * A directed-rounding intrinsic: a call of the device library's exact lowering
     * ({@link RoundedArithmetic}), which the CUDA C back end turns back into CUDA's intrinsic.
     */
    private Operand libraryCall(String name, List<Expr> args, SourcePos pos) {
        io.cudawasm.kernels.kir.KFunction fn = ctx.checker.deviceLibrary.rounded(name);
        arity(name, args, fn.params().size(), pos);
        List<KExpr> vs = values(args);
        List<KExpr> conv = new ArrayList<>();
        for (int i = 0; i < vs.size(); i++) {
            conv.add(as(vs.get(i), fn.params().get(i).type(), pos));
        }
        return exprs().materialize(new KExpr.Call(fn, conv, fn.returnType()), pos);
    }

    /**
     * {@code nan(tag)} / {@code nanf(tag)} with a string literal, as CUDA's device library defines
     * them: the tag read as an unsigned integer (0x... hexadecimal, 0... octal, else decimal; a
     * character outside the base gives 0, a value past 64 bits all ones) gives the payload, whose
     * bits below the exponent are kept in a quiet NaN ({@code nan("")} is 0x7ff8000000000000,
     * {@code nanf("")} 0x7fc00000, as glibc's).
     */
    private Operand nan(String name, List<Expr> args, SourcePos pos) {
        arity(name, args, 1, pos);
        if (!(args.get(0) instanceof Expr.StringLit tag)) {
            throw error(args.get(0).pos(), "'" + name + "' needs a string literal as its tag (the payload is read at "
                    + "compile time), for example " + name + "(\"\")");
        }
        long payload = nanPayload(tag.value());
        if (name.equals("nanf")) {
            int bits = (int) (payload & 0x003F_FFFFL) | 0x7FC0_0000;
            return new Value(new KExpr.IntrinsicCall(Intrinsic.INT_AS_FLOAT, List.of(new KExpr.IntConst(ScalarType.INT,
                    bits)), ScalarType.FLOAT));
        }
        long bits = payload & 0x000F_FFFF_FFFF_FFFFL | 0x7FF8_0000_0000_0000L;
        return new Value(new KExpr.IntrinsicCall(Intrinsic.LONGLONG_AS_DOUBLE, List.of(new KExpr.IntConst(
                ScalarType.LONGLONG, bits)), ScalarType.DOUBLE));
    }

    static long nanPayload(String tag) {
        int radix = 10;
        String digits = tag;
        if (tag.startsWith("0x") || tag.startsWith("0X")) {
            radix = 16;
            digits = tag.substring(2);
        } else if (tag.startsWith("0")) {
            radix = 8;
            digits = tag.substring(1);
        }
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        for (char c : digits.toCharArray()) {
            int d = Character.digit(c, radix);
            if (d < 0 || c > 0x7F) {
                return 0;
            }
            v = v.multiply(java.math.BigInteger.valueOf(radix)).add(java.math.BigInteger.valueOf(d));
        }
        return v.bitLength() > 64 ? -1L : v.longValue();
    }

    private static ScalarType typeOfCode(String code) {
        return switch (code) {
            case "float" -> ScalarType.FLOAT;
            case "double" -> ScalarType.DOUBLE;
            case "int" -> ScalarType.INT;
            case "uint" -> ScalarType.UINT;
            case "ll" -> ScalarType.LONGLONG;
            default -> ScalarType.ULONGLONG;
        };
    }

    private Operand conversion(String name, List<Expr> args, SourcePos pos) {
        arity(name, args, 1, pos);
        String body = name.substring(2, name.length() - 3);
        String mode = name.substring(name.length() - 2);
        String[] parts = body.split("2");
        ScalarType from = typeOfCode(parts[0]);
        ScalarType to = typeOfCode(parts[1]);
        KExpr v = as(exprs().rvalue(args.get(0)), from, pos);
        if (from.kind().isFloating() && to.kind().isInteger()) {
            return new Value(switch (mode) {
                case "rn" -> new KExpr.IntrinsicCall(switch (to.kind()) {
                    case INT -> Intrinsic.F2I_RN;
                    case UINT -> Intrinsic.F2U_RN;
                    case LONGLONG -> Intrinsic.F2LL_RN;
                    default -> Intrinsic.F2ULL_RN;
                }, List.of(v), to);
                case "rz" -> ConstantFolder.convert(to, v);
                case "rd" -> new KExpr.Convert(to, new KExpr.Math(MathFn.FLOOR, List.of(v), from));
                default -> new KExpr.Convert(to, new KExpr.Math(MathFn.CEIL, List.of(v), from));
            });
        }
        if (!mode.equals("rn") && RoundedArithmetic.builds(name)) {
            return libraryCall(name, args, pos);
        }
        if (!mode.equals("rn") && from.kind().isInteger() && to.kind().isInteger()) {
            throw error(pos, "unknown intrinsic '" + name + "'");
        }
        return new Value(ConstantFolder.convert(to, v));
    }

    private Operand integer(String name, Intrinsic in, List<Expr> args, SourcePos pos) {
        List<KExpr> vs = values(args);
        ScalarType[] params;
        ScalarType result;
        switch (in) {
            case POPC, BREV -> {
                params = new ScalarType[] {ScalarType.UINT};
                result = in == Intrinsic.POPC ? ScalarType.INT : ScalarType.UINT;
            }
            case POPCLL, BREVLL -> {
                params = new ScalarType[] {ScalarType.ULONGLONG};
                result = in == Intrinsic.POPCLL ? ScalarType.INT : ScalarType.ULONGLONG;
            }
            case CLZ, FFS -> {
                params = new ScalarType[] {ScalarType.INT};
                result = ScalarType.INT;
            }
            case CLZLL, FFSLL -> {
                params = new ScalarType[] {ScalarType.LONGLONG};
                result = ScalarType.INT;
            }
            case MUL24, MULHI -> {
                params = new ScalarType[] {ScalarType.INT, ScalarType.INT};
                result = ScalarType.INT;
            }
            case UMUL24, UMULHI -> {
                params = new ScalarType[] {ScalarType.UINT, ScalarType.UINT};
                result = ScalarType.UINT;
            }
            case MUL64HI -> {
                params = new ScalarType[] {ScalarType.LONGLONG, ScalarType.LONGLONG};
                result = ScalarType.LONGLONG;
            }
            case UMUL64HI -> {
                params = new ScalarType[] {ScalarType.ULONGLONG, ScalarType.ULONGLONG};
                result = ScalarType.ULONGLONG;
            }
            case SAD -> {
                params = new ScalarType[] {ScalarType.INT, ScalarType.INT, ScalarType.UINT};
                result = ScalarType.UINT;
            }
            case USAD -> {
                params = new ScalarType[] {ScalarType.UINT, ScalarType.UINT, ScalarType.UINT};
                result = ScalarType.UINT;
            }
            default -> throw new IllegalStateException(in.name());
        }
        arity(name, args, params.length, pos);
        List<KExpr> conv = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            conv.add(as(vs.get(i), params[i], pos));
        }
        return new Value(new KExpr.IntrinsicCall(in, conv, result));
    }

    private Operand atomic(String name, AtomicOp op, List<Expr> args, SourcePos pos) {
        arity(name, args, op == AtomicOp.CAS ? 3 : 2, pos);
        KExpr addr = exprs().rvalue(args.get(0));
        if (!(addr.type() instanceof PointerType pt) || !(pt.pointee() instanceof ScalarType t)) {
            throw error(pos, "the first argument of '" + name + "' must be a pointer to a number");
        }
        if (pt.constPointee()) {
            throw error(pos, "'" + name + "' on a pointer to const");
        }
        boolean ok = switch (op) {
            case ADD -> t.size() >= 4 && (t.kind().isInteger() || t.kind().isFloating());
            case EXCH -> t.size() >= 4;
            case SUB, INC, DEC -> t.size() == 4 && t.kind().isInteger();
            default -> t.size() >= 4 && t.kind().isInteger();
        };
        if (!ok) {
            throw error(pos, "no '" + name + "' for type '" + t.display() + "'");
        }
        KExpr value;
        KExpr compare = null;
        if (op == AtomicOp.CAS) {
            compare = as(exprs().rvalue(args.get(1)), t, pos);
            value = as(exprs().rvalue(args.get(2)), t, pos);
        } else {
            value = as(exprs().rvalue(args.get(1)), t, pos);
        }
        return exprs().materialize(new KExpr.Atomic(op, addr, value, compare, t, pos), pos);
    }

    private Operand other(String name, List<io.cudawasm.kernels.ast.TypeSyntax.TemplateArg> templateArgs, List<Expr> args,
            SourcePos pos) {
        switch (name) {
            case "abs", "labs", "llabs" -> {
                arity(name, args, 1, pos);
                KExpr v = exprs().rvalue(args.get(0));
                if (VectorMath.isVector(v.type())) {
                    return new VectorMath(ctx).componentwise(List.of(v), parts -> exprs().toRValue(
                            absOf(name, parts.get(0), pos), pos), pos);
                }
                return absOf(name, v, pos);
            }
            case "min", "max", "umin", "umax", "llmin", "llmax", "ullmin", "ullmax" -> {
                arity(name, args, 2, pos);
                KExpr a = exprs().rvalue(args.get(0));
                KExpr b = exprs().rvalue(args.get(1));
                if (VectorMath.isVector(a.type()) || VectorMath.isVector(b.type())) {
                    return new VectorMath(ctx).componentwise(List.of(a, b), parts -> exprs().toRValue(
                            minMaxOf(name, parts.get(0), parts.get(1), pos), pos), pos);
                }
                return minMaxOf(name, a, b, pos);
            }
            case "__int_as_float", "__uint_as_float" -> {
                return reinterpret(name, args, name.startsWith("__int") ? ScalarType.INT : ScalarType.UINT,
                        Intrinsic.INT_AS_FLOAT, ScalarType.FLOAT, pos);
            }
            case "__float_as_int", "__float_as_uint" -> {
                return reinterpret(name, args, ScalarType.FLOAT, Intrinsic.FLOAT_AS_INT,
                        name.endsWith("uint") ? ScalarType.UINT : ScalarType.INT, pos);
            }
            case "__longlong_as_double" -> {
                return reinterpret(name, args, ScalarType.LONGLONG, Intrinsic.LONGLONG_AS_DOUBLE, ScalarType.DOUBLE, pos);
            }
            case "__double_as_longlong" -> {
                return reinterpret(name, args, ScalarType.DOUBLE, Intrinsic.DOUBLE_AS_LONGLONG, ScalarType.LONGLONG, pos);
            }
            case "__double2hiint", "__double2loint" -> {
                return reinterpret(name, args, ScalarType.DOUBLE, name.contains("hi") ? Intrinsic.DOUBLE_HI
                        : Intrinsic.DOUBLE_LO, ScalarType.INT, pos);
            }
            case "__hiloint2double" -> {
                arity(name, args, 2, pos);
                List<KExpr> vs = values(args);
                return new Value(new KExpr.IntrinsicCall(Intrinsic.HILO_TO_DOUBLE,
                        List.of(as(vs.get(0), ScalarType.INT, pos), as(vs.get(1), ScalarType.INT, pos)), ScalarType.DOUBLE));
            }
            case "isnan", "isinf", "isfinite", "signbit", "__isnanf", "__isinff", "__finitef", "__isnan", "__isinf",
                    "__isfinited", "__signbitf", "__signbitd", "__signbit" -> {
                arity(name, args, 1, pos);
                KExpr v = exprs().rvalue(args.get(0));
                ScalarType p = name.endsWith("f") && name.startsWith("__") ? ScalarType.FLOAT
                        : v.type() instanceof ScalarType s && s.kind() == ScalarKind.FLOAT ? ScalarType.FLOAT
                        : ScalarType.DOUBLE;
                Intrinsic in = name.contains("nan") ? Intrinsic.ISNAN : name.contains("inf") ? Intrinsic.ISINF
                        : name.contains("fin") ? Intrinsic.ISFINITE : Intrinsic.SIGNBIT;
                return new Value(new KExpr.IntrinsicCall(in, List.of(as(v, p, pos)),
                        name.startsWith("__") ? ScalarType.INT : ScalarType.BOOL));
            }
            case "sincosf", "sincos", "sincospif", "sincospi" -> {
                arity(name, args, 3, pos);
                boolean single = name.endsWith("f");
                ScalarType t = single ? ScalarType.FLOAT : ScalarType.DOUBLE;
                KExpr v = as(exprs().rvalue(args.get(0)), t, pos);
                KExpr s = outPointer(name, args.get(1), t);
                KExpr c = outPointer(name, args.get(2), t);
                boolean pi = name.contains("pi");
                ctx.emit(new KStmt.Store(s, new KExpr.Math(pi ? MathFn.SINPI : MathFn.SIN, List.of(v), t)));
                ctx.emit(new KStmt.Store(c, new KExpr.Math(pi ? MathFn.COSPI : MathFn.COS, List.of(v), t)));
                return new ExpressionLowering.NoValue();
            }
            case "modff", "modf" -> {
                arity(name, args, 2, pos);
                ScalarType t = name.endsWith("f") ? ScalarType.FLOAT : ScalarType.DOUBLE;
                KExpr v = as(exprs().rvalue(args.get(0)), t, pos);
                KExpr ip = outPointer(name, args.get(1), t);
                KExpr whole = new KExpr.Math(MathFn.TRUNC, List.of(v), t);
                ctx.emit(new KStmt.Store(ip, whole));
                KExpr frac = new KExpr.Binary(KExpr.BinaryOp.SUB, v, whole, t);
                KExpr isInf = new KExpr.IntrinsicCall(Intrinsic.ISINF, List.of(v), ScalarType.BOOL);
                KExpr zero = new KExpr.Math(MathFn.COPYSIGN, List.of(new KExpr.FloatConst(t, 0.0), v), t);
                return new Value(new KExpr.Select(isInf, zero, frac, t));
            }
            case "frexpf", "frexp" -> {
                arity(name, args, 2, pos);
                ScalarType t = name.endsWith("f") ? ScalarType.FLOAT : ScalarType.DOUBLE;
                KExpr v = as(exprs().rvalue(args.get(0)), t, pos);
                KExpr ep = outPointer(name, args.get(1), ScalarType.INT);
                KExpr special = new KExpr.Binary(KExpr.BinaryOp.LOR,
                        new KExpr.Binary(KExpr.BinaryOp.EQ, v, new KExpr.FloatConst(t, 0.0), ScalarType.BOOL),
                        new KExpr.Unary(KExpr.UnaryOp.NOT, new KExpr.IntrinsicCall(Intrinsic.ISFINITE, List.of(v),
                                ScalarType.BOOL), ScalarType.BOOL), ScalarType.BOOL);
                var e = ctx.temp(ScalarType.INT, pos);
                KExpr exp = new KExpr.Binary(KExpr.BinaryOp.ADD, new KExpr.Convert(ScalarType.INT,
                        new KExpr.Math(MathFn.LOGB, List.of(v), t)), new KExpr.IntConst(ScalarType.INT, 1), ScalarType.INT);
                ctx.emit(new KStmt.Assign(e, new KExpr.Select(special, new KExpr.IntConst(ScalarType.INT, 0), exp,
                        ScalarType.INT)));
                ctx.emit(new KStmt.Store(ep, new KExpr.LocalGet(e)));
                KExpr neg = new KExpr.Unary(KExpr.UnaryOp.NEG, new KExpr.LocalGet(e), ScalarType.INT);
                return new Value(new KExpr.Select(special, v, new KExpr.Math(MathFn.LDEXP, List.of(v, neg), t), t));
            }
            case "nan", "nanf" -> {
                return nan(name, args, pos);
            }
            case "__ldg", "__ldcg", "__ldca", "__ldcs", "__ldlu", "__ldcv" -> {
                arity(name, args, 1, pos);
                KExpr p = exprs().rvalue(args.get(0));
                if (!(p.type() instanceof PointerType pt) || pt.pointee() instanceof io.cudawasm.kernels.types.VoidType) {
                    throw error(pos, "'" + name + "' needs a pointer to a value");
                }
                return new Value(new KExpr.Load(p));
            }
            case "__stcg", "__stcs", "__stwb", "__stwt" -> {
                arity(name, args, 2, pos);
                KExpr p = exprs().rvalue(args.get(0));
                if (!(p.type() instanceof PointerType pt)) {
                    throw error(pos, "'" + name + "' needs a pointer");
                }
                ctx.emit(new KStmt.Store(p, as(exprs().rvalue(args.get(1)), pt.pointee(), pos)));
                return new ExpressionLowering.NoValue();
            }
            case "__syncthreads" -> {
                arity(name, args, 0, pos);
                ctx.emit(new KStmt.Barrier(BarrierKind.BLOCK, pos));
                return new ExpressionLowering.NoValue();
            }
            case "__syncwarp" -> {
                if (args.size() > 1) {
                    arity(name, args, 1, pos);
                }
                new WarpOps(ctx).syncWarp(args.isEmpty() ? null : as(exprs().rvalue(args.get(0)), ScalarType.UINT, pos),
                        pos);
                return new ExpressionLowering.NoValue();
            }
            case "__threadfence", "__threadfence_block", "__threadfence_system" -> {
                arity(name, args, 0, pos);
                ctx.emit(new KStmt.Fence(name.endsWith("block") ? FenceScope.BLOCK
                        : name.endsWith("system") ? FenceScope.SYSTEM : FenceScope.DEVICE));
                return new ExpressionLowering.NoValue();
            }
            case "__trap", "__brkpt" -> {
                arity(name, args, 0, pos);
                ctx.emit(new KStmt.Trap(name.equals("__trap") ? "__trap() called" : "__brkpt() called", pos));
                return new ExpressionLowering.NoValue();
            }
            case "printf" -> {
                return new Value(new DeviceLibraryCalls(ctx).printf(args, pos));
            }
            case "malloc", "free" -> {
                return new DeviceLibraryCalls(ctx).heap(name, args, pos);
            }
            case "memcpy", "memset" -> {
                return memoryBlock(name, args, pos);
            }
            case "clock", "clock64", "__nanosleep" -> {
                return new DeviceLibraryCalls(ctx).timing(name, args, pos);
            }
            case "__cvta_generic_to_shared", "__cvta_generic_to_global" -> {
                // every space lives in one address range here (as in the PTX front end's cvta): the address
                // of a shared or global object is its generic address, as a number for inline PTX
                arity(name, args, 1, pos);
                KExpr p = values(args).get(0);
                if (!(p.type() instanceof PointerType)) {
                    throw error(pos, name + " takes a pointer");
                }
                return new Value(new KExpr.Convert(ScalarType.ULONG, p));
            }
            case "cudaGraphSetConditional" -> {
                return new DeviceLibraryCalls(ctx).graphConditional(args, pos);
            }
            case "__shfl", "__shfl_up", "__shfl_down", "__shfl_xor", "__ballot", "__any", "__all" ->
                    throw error(pos, "'" + name + "' was removed in CUDA 9 and is not supported: use '" + name
                            + "_sync'");
            default -> {
                if (BytePermutes.handles(name)) {
                    return new BytePermutes(ctx).call(name, args, pos);
                }
                if (WarpOps.handles(name)) {
                    return new WarpOps(ctx).call(name, args, pos);
                }
                if (CooperativeGroupCalls.handles(name)) {
                    return new CooperativeGroupCalls(ctx).call(name, templateArgs, args, pos);
                }
                if (ClusterGroups.isIntrinsic(name)) {
                    return new ClusterGroups(ctx, pos).intrinsic(name, args);
                }
                if (IndependentThreadCalls.handles(name)) {
                    return new IndependentThreadCalls(ctx).call(name, args, pos);
                }
                if (TransactionCounts.handles(name)) {
                    return new TransactionCounts(ctx).call(name, args, pos);
                }
                throw WarpOps.unsupported(name, pos);
            }
        }
    }

    private Operand absOf(String name, KExpr v, SourcePos pos) {
        if (v.type() instanceof ScalarType s && s.kind().isFloating()) {
            return math(MathFn.FABS, s, List.of(v), pos);
        }
        if (!v.type().isInteger()) {
            throw error(pos, "'" + name + "' needs a number");
        }
        ScalarType p = TypeRules.promote((ScalarType) v.type());
        boolean wide = p.kind().is64BitInteger() || !name.equals("abs");
        ScalarType t = wide ? (p.kind().is64BitInteger() ? p : ScalarType.LONGLONG) : ScalarType.INT;
        if (p.kind().isUnsigned()) {
            return new Value(as(v, p, pos));
        }
        return new Value(new KExpr.IntrinsicCall(wide ? Intrinsic.LLABS : Intrinsic.IABS, List.of(as(v, t, pos)), t));
    }

    private Operand minMaxOf(String name, KExpr a, KExpr b, SourcePos pos) {
        if (!(a.type() instanceof ScalarType sa) || !(b.type() instanceof ScalarType sb)) {
            throw error(pos, "'" + name + "' needs numbers");
        }
        ScalarType t = switch (name) {
            case "umin", "umax" -> ScalarType.UINT;
            case "llmin", "llmax" -> ScalarType.LONGLONG;
            case "ullmin", "ullmax" -> ScalarType.ULONGLONG;
            default -> TypeRules.usualArithmetic(sa, sb);
        };
        boolean isMin = name.endsWith("min");
        if (t.kind().isFloating()) {
            return math(isMin ? MathFn.FMIN : MathFn.FMAX, t, List.of(a, b), pos);
        }
        return new Value(new KExpr.IntrinsicCall(isMin ? Intrinsic.IMIN : Intrinsic.IMAX,
                List.of(as(a, t, pos), as(b, t, pos)), t));
    }

    private KExpr outPointer(String name, Expr arg, ScalarType t) {
        KExpr p = exprs().rvalue(arg);
        if (!(p.type() instanceof PointerType pt) || !(pt.pointee() instanceof ScalarType s) || s.kind() != t.kind()) {
            throw error(arg.pos(), "'" + name + "' needs a '" + t.display() + "*' here, not '" + p.type().display() + "'");
        }
        return p;
    }

    private Operand reinterpret(String name, List<Expr> args, ScalarType from, Intrinsic in, ScalarType to,
            SourcePos pos) {
        arity(name, args, 1, pos);
        return new Value(new KExpr.IntrinsicCall(in, List.of(as(exprs().rvalue(args.get(0)), from, pos)), to));
    }

    /** A member function of a cooperative group ({@code tile.shfl_down(v, 1)}); its object is already lowered. */
    Operand memberCall(ExpressionLowering.Operand base, Expr.Member m, List<Expr> args, SourcePos pos) {
        return new CooperativeGroupCalls(ctx).memberCall(base, m, args, pos);
    }
}
