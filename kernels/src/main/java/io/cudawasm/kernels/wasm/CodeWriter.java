package io.cudawasm.kernels.wasm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes one function body as WebAssembly binary and, in step, as text (the WAT humans read).
 * Structured blocks are tracked by label so branches name their target instead of a depth.
 */
final class CodeWriter {
    private final ByteWriter code = new ByteWriter();
    private final StringBuilder text = new StringBuilder();
    private final List<String> labels = new ArrayList<>();
    private final Map<String, Deque<Integer>> labelPositions = new HashMap<>();
    private int depth = 2;

    byte[] bytes() {
        return code.toByteArray();
    }

    String text() {
        return text.toString();
    }

    /** Deeper blocks are not indented further: a switch of n cases nests n blocks, and the text must stay linear. */
    private static final int MAX_INDENT = 40;

    private void line(String s) {
        text.append("  ".repeat(Math.min(depth, MAX_INDENT))).append(s).append('\n');
    }

    void op(int opcode, String mnemonic) {
        code.u8(opcode);
        line(mnemonic);
    }

    void localGet(int index, String name) {
        code.u8(0x20).u32(index);
        line("local.get $" + name);
    }

    void localSet(int index, String name) {
        code.u8(0x21).u32(index);
        line("local.set $" + name);
    }

    void localTee(int index, String name) {
        code.u8(0x22).u32(index);
        line("local.tee $" + name);
    }

    void globalGet(int index, String name) {
        code.u8(0x23).u32(index);
        line("global.get $" + name);
    }

    void globalSet(int index, String name) {
        code.u8(0x24).u32(index);
        line("global.set $" + name);
    }

    void i32Const(int v) {
        code.u8(0x41).s32(v);
        line("i32.const " + v);
    }

    void i64Const(long v) {
        code.u8(0x42).s64(v);
        line("i64.const " + v);
    }

    void f32Const(float v) {
        code.u8(0x43).f32(v);
        line("f32.const " + floatText(v));
    }

    void f64Const(double v) {
        code.u8(0x44).f64(v);
        line("f64.const " + doubleText(v));
    }

    private static String floatText(float v) {
        if (Float.isNaN(v)) {
            return "nan:0x" + Integer.toHexString(Float.floatToRawIntBits(v) & 0x7FFFFF);
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Float.toHexString(v).replace("0x1.0p", "0x1p");
    }

    private static String doubleText(double v) {
        if (Double.isNaN(v)) {
            return "nan:0x" + Long.toHexString(Double.doubleToRawLongBits(v) & 0xFFFFFFFFFFFFFL);
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toHexString(v).replace("0x1.0p", "0x1p");
    }

    /** A load or store with its alignment exponent and constant offset. */
    void memory(int opcode, String mnemonic, int alignLog2, long offset) {
        code.u8(opcode).u32(alignLog2).u32(offset);
        line(mnemonic + (offset != 0 ? " offset=" + offset : "") + " align=" + (1 << alignLog2));
    }

    /** A 0xFC-prefixed instruction (saturating truncation, bulk memory). */
    void prefixed(int sub, String mnemonic) {
        code.u8(0xFC).u32(sub);
        line(mnemonic);
    }

    /** {@code memory.size}: the memory's size in 64 KiB pages. */
    void memorySize() {
        code.u8(0x3F).u8(0);
        line("memory.size");
    }

    void memoryCopy() {
        code.u8(0xFC).u32(10).u8(0).u8(0);
        line("memory.copy");
    }

    /** A 0xFE-prefixed atomic memory instruction. */
    void atomic(int sub, String mnemonic, int alignLog2, long offset) {
        code.u8(0xFE).u32(sub).u32(alignLog2).u32(offset);
        line(mnemonic + (offset != 0 ? " offset=" + offset : "") + " align=" + (1 << alignLog2));
    }

    void atomicFence() {
        code.u8(0xFE).u32(3).u8(0);
        line("atomic.fence");
    }

    void call(int index, String name) {
        code.u8(0x10).u32(index);
        line("call $" + name);
    }

    private void blockType(ValType result) {
        if (result == null) {
            code.u8(0x40);
        } else {
            code.u8(result.code());
        }
    }

    private static String resultText(ValType result) {
        return result == null ? "" : " (result " + result.text() + ")";
    }

    void block(String label, ValType result) {
        code.u8(0x02);
        blockType(result);
        line("block $" + label + resultText(result));
        open(label);
        depth++;
    }

    void loop(String label) {
        code.u8(0x03).u8(0x40);
        line("loop $" + label);
        open(label);
        depth++;
    }

    void ifThen(String label, ValType result) {
        code.u8(0x04);
        blockType(result);
        line("if $" + label + resultText(result));
        open(label);
        depth++;
    }

    void elseBranch() {
        code.u8(0x05);
        depth--;
        line("else");
        depth++;
    }

    void end() {
        code.u8(0x0B);
        depth--;
        String closed = labels.remove(labels.size() - 1);
        Deque<Integer> at = labelPositions.get(closed);
        at.pop();
        if (at.isEmpty()) {
            labelPositions.remove(closed);
        }
        line("end");
    }

    private void open(String label) {
        labelPositions.computeIfAbsent(label, k -> new ArrayDeque<>()).push(labels.size());
        labels.add(label);
    }

    /** Branch depth of the innermost enclosing construct with this label; a map, not a scan (a switch nests a block per case). */
    private int depthOf(String label) {
        Deque<Integer> at = labelPositions.get(label);
        if (at == null) {
            throw new IllegalStateException("no enclosing label " + label);
        }
        return labels.size() - 1 - at.peek();
    }

    void br(String label) {
        code.u8(0x0C).u32(depthOf(label));
        line("br $" + label);
    }

    void brIf(String label) {
        code.u8(0x0D).u32(depthOf(label));
        line("br_if $" + label);
    }

    void brTable(List<String> targets, String defaultTarget) {
        code.u8(0x0E).u32(targets.size());
        StringBuilder sb = new StringBuilder("br_table");
        for (String t : targets) {
            code.u32(depthOf(t));
            sb.append(" $").append(t);
        }
        code.u32(depthOf(defaultTarget));
        sb.append(" $").append(defaultTarget);
        line(sb.toString());
    }

    void ret() {
        code.u8(0x0F);
        line("return");
    }

    void unreachable() {
        code.u8(0x00);
        line("unreachable");
    }

    void drop() {
        code.u8(0x1A);
        line("drop");
    }

    void select() {
        code.u8(0x1B);
        line("select");
    }

    void comment(String s) {
        line(";; " + s);
    }

    /** The final {@code end} of the function body. */
    void finish() {
        code.u8(0x0B);
    }
}
