package io.cudawasm.runtime.backend.wasm.math;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Placeholder registry (replaced by the full library with its bounds and tests). */
public final class DeviceMath {
    private DeviceMath() {}

    private static final Map<String, MathFunction> ALL = new HashMap<>();

    static {
        unaryF("expf", Math::exp);
        unaryF("logf", Math::log);
        unaryF("sinf", Math::sin);
        unaryF("cosf", Math::cos);
        unaryD("exp", StrictMath::exp);
        unaryD("log", StrictMath::log);
    }

    private static void unaryF(String name, java.util.function.DoubleUnaryOperator f) {
        ALL.put(name, new MathFunction(name, List.of(ValueKind.F32), ValueKind.F32,
                a -> Float.floatToRawIntBits((float) f.applyAsDouble(Float.intBitsToFloat((int) a[0]))), 1, ""));
    }

    private static void unaryD(String name, java.util.function.DoubleUnaryOperator f) {
        ALL.put(name, new MathFunction(name, List.of(ValueKind.F64), ValueKind.F64,
                a -> Double.doubleToRawLongBits(f.applyAsDouble(Double.longBitsToDouble(a[0]))), 1, ""));
    }

    public static Optional<MathFunction> lookup(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    public static Collection<MathFunction> all() {
        return ALL.values();
    }
}
