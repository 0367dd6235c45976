package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.KExpr.BinaryOp;

/** Opcodes of WebAssembly's binary arithmetic and comparison instructions. */
final class BinaryOps {
    private BinaryOps() {}

    static void emit(CodeWriter w, BinaryOp op, ValType t, boolean unsigned) {
        switch (t) {
            case I32 -> integer(w, op, unsigned, "i32", new int[] {
                0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76,
                0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F});
            case I64 -> integer(w, op, unsigned, "i64", new int[] {
                0x7C, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88,
                0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A});
            case F32 -> floating(w, op, "f32", new int[] {0x92, 0x93, 0x94, 0x95, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x60});
            case F64 -> floating(w, op, "f64", new int[] {0xA0, 0xA1, 0xA2, 0xA3, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66});
        }
    }

    /** Opcode order: add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u. */
    private static void integer(CodeWriter w, BinaryOp op, boolean u, String p, int[] c) {
        switch (op) {
            case ADD -> w.op(c[0], p + ".add");
            case SUB -> w.op(c[1], p + ".sub");
            case MUL -> w.op(c[2], p + ".mul");
            case DIV -> w.op(u ? c[4] : c[3], p + (u ? ".div_u" : ".div_s"));
            case REM -> w.op(u ? c[6] : c[5], p + (u ? ".rem_u" : ".rem_s"));
            case AND -> w.op(c[7], p + ".and");
            case OR -> w.op(c[8], p + ".or");
            case XOR -> w.op(c[9], p + ".xor");
            case SHL -> w.op(c[10], p + ".shl");
            case SHR -> w.op(u ? c[12] : c[11], p + (u ? ".shr_u" : ".shr_s"));
            case EQ -> w.op(c[13], p + ".eq");
            case NE -> w.op(c[14], p + ".ne");
            case LT -> w.op(u ? c[16] : c[15], p + (u ? ".lt_u" : ".lt_s"));
            case GT -> w.op(u ? c[18] : c[17], p + (u ? ".gt_u" : ".gt_s"));
            case LE -> w.op(u ? c[20] : c[19], p + (u ? ".le_u" : ".le_s"));
            case GE -> {
                if (u && p.equals("i32")) {
                    // Chicory routes i32.ge_u through a deliberately megamorphic call on Java 17
                    // (a C2 workaround): a >= b is !(a < b)
                    w.op(c[16], "i32.lt_u");
                    w.op(0x45, "i32.eqz");
                } else {
                    w.op(u ? c[22] : c[21], p + (u ? ".ge_u" : ".ge_s"));
                }
            }
            default -> throw new IllegalStateException(op.name());
        }
    }

    /** Opcode order: add sub mul div eq ne lt gt le ge. */
    private static void floating(CodeWriter w, BinaryOp op, String p, int[] c) {
        switch (op) {
            case ADD -> w.op(c[0], p + ".add");
            case SUB -> w.op(c[1], p + ".sub");
            case MUL -> w.op(c[2], p + ".mul");
            case DIV -> w.op(c[3], p + ".div");
            case EQ -> w.op(c[4], p + ".eq");
            case NE -> w.op(c[5], p + ".ne");
            case LT -> w.op(c[6], p + ".lt");
            case GT -> w.op(c[7], p + ".gt");
            case LE -> w.op(c[8], p + ".le");
            case GE -> w.op(c[9], p + ".ge");
            default -> throw new IllegalStateException(op.name() + " on " + p);
        }
    }
}
