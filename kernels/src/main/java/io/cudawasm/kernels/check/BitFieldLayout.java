package io.cudawasm.kernels.check;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.BitField;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructMember;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lays out a struct with bit-fields as nvcc (the x86-64 System V ABI) does: a bit-field of type T
 * follows the previous one unless it would cross a T-aligned boundary, {@code :0} moves to the
 * next T boundary, and named bit-fields align the struct like T. The bits are then given to hidden
 * unsigned storage fields (the smallest aligned 1, 2, 4 or 8 bytes holding them, merged where they
 * overlap) with padding arrays between, so the struct is an ordinary one to every back end.
 */
final class BitFieldLayout {
    /** A member with its resolved type; {@code width} is -1 for an ordinary field. */
    record Member(SourcePos pos, String name, CType type, int width) {}

    private record Placed(Member member, int bit) {}

    private record Chunk(int offset, int size) {
        int end() {
            return offset + size;
        }
    }

    private BitFieldLayout() {}

    static void define(StructType s, List<Member> members) {
        if (s.isUnion()) {
            defineUnion(s, members);
            return;
        }
        List<Placed> placed = new ArrayList<>();
        long bits = 0;
        int align = 1;
        for (Member m : members) {
            if (m.width() < 0) {
                int a = m.type().align();
                bits = alignUp(bits, 8L * a);
                placed.add(new Placed(m, (int) bits));
                bits += 8L * m.type().size();
                align = Math.max(align, a);
                continue;
            }
            long unit = 8L * m.type().size();
            if (m.width() == 0) {
                bits = alignUp(bits, unit);
                continue;
            }
            if (bits / unit != (bits + m.width() - 1) / unit) {
                bits = alignUp(bits, unit);
            }
            placed.add(new Placed(m, (int) bits));
            bits += m.width();
            if (!m.name().isEmpty()) {
                align = Math.max(align, m.type().align());
            }
        }
        // storage chunks for the bit-fields, merged until none overlap
        List<Chunk> chunks = new ArrayList<>();
        for (Placed p : placed) {
            if (p.member().width() > 0) {
                chunks.add(chunkFor(p.bit(), p.bit() + p.member().width() - 1, p.member().pos()));
            }
        }
        chunks = merge(chunks, members.get(0).pos());
        List<Field> storage = new ArrayList<>();
        List<StructMember> declared = new ArrayList<>();
        List<Object> items = new ArrayList<>(); // Placed ordinary fields and Chunks, by offset
        for (Placed p : placed) {
            if (p.member().width() < 0) {
                items.add(p);
            }
        }
        items.addAll(chunks);
        items.sort(Comparator.comparingInt(o -> o instanceof Chunk c ? c.offset() : ((Placed) o).bit() / 8));
        int at = 0;
        for (Object o : items) {
            int offset = o instanceof Chunk c ? c.offset() : ((Placed) o).bit() / 8;
            int size = o instanceof Chunk c ? c.size() : ((Placed) o).member().type().size();
            if (offset < at) {
                throw CompileException.at(members.get(0).pos(), "this arrangement of bit-fields and members in '"
                        + s.display() + "' is not supported");
            }
            if (offset > at) {
                storage.add(new Field("cw_pad_" + at, new ArrayType(ScalarType.UCHAR, offset - at), 0));
            }
            storage.add(o instanceof Chunk c ? new Field("cw_bits_" + c.offset(), unsigned(c.size()), 0)
                    : new Field(((Placed) o).member().name(), ((Placed) o).member().type(), 0));
            at = offset + size;
        }
        for (Placed p : placed) {
            Member m = p.member();
            if (m.width() < 0) {
                declared.add(new Field(m.name(), m.type(), 0));
            } else if (!m.name().isEmpty()) {
                Chunk c = chunks.stream().filter(k -> k.offset() * 8 <= p.bit() && p.bit() < k.end() * 8).findFirst()
                        .orElseThrow();
                declared.add(new BitField(m.name(), new Field("cw_bits_" + c.offset(), unsigned(c.size()), 0),
                        p.bit() - 8 * c.offset(), m.width(), (ScalarType) m.type()));
            }
        }
        s.defineWithBitFields(storage, declared, align);
        long expected = alignUp((bits + 7) / 8, align);
        if (s.size() != expected) {
            throw CompileException.at(members.get(0).pos(), "this arrangement of bit-fields in '" + s.display()
                    + "' is not supported (" + s.size() + " bytes instead of " + expected + ")");
        }
    }

    /** In a union every member starts at offset 0; a bit-field gets storage of its declared size. */
    private static void defineUnion(StructType s, List<Member> members) {
        List<Field> storage = new ArrayList<>();
        List<StructMember> declared = new ArrayList<>();
        int align = 1;
        for (Member m : members) {
            if (m.width() < 0) {
                storage.add(new Field(m.name(), m.type(), 0));
                declared.add(new Field(m.name(), m.type(), 0));
            } else if (!m.name().isEmpty() && m.width() > 0) {
                Field unit = new Field("cw_bits_" + m.name(), unsigned(m.type().size()), 0);
                storage.add(unit);
                declared.add(new BitField(m.name(), unit, 0, m.width(), (ScalarType) m.type()));
                align = Math.max(align, m.type().align());
            }
        }
        s.defineWithBitFields(storage, declared, align);
    }

    private static Chunk chunkFor(int firstBit, int lastBit, SourcePos pos) {
        for (int size = 1; size <= 8; size *= 2) {
            if (firstBit / (8 * size) == lastBit / (8 * size)) {
                return new Chunk(firstBit / (8 * size) * size, size);
            }
        }
        throw CompileException.at(pos, "a bit-field may not cross an 8-byte boundary");
    }

    private static List<Chunk> merge(List<Chunk> chunks, SourcePos pos) {
        List<Chunk> list = new ArrayList<>(chunks);
        boolean changed = true;
        while (changed) {
            changed = false;
            list.sort(Comparator.comparingInt(Chunk::offset).thenComparingInt(Chunk::size));
            List<Chunk> next = new ArrayList<>();
            for (Chunk c : list) {
                Chunk last = next.isEmpty() ? null : next.get(next.size() - 1);
                if (last != null && c.offset() < last.end()) {
                    Chunk merged = chunkFor(8 * last.offset(), 8 * Math.max(last.end(), c.end()) - 1, pos);
                    changed |= !merged.equals(last);
                    next.set(next.size() - 1, merged);
                } else {
                    next.add(c);
                }
            }
            list = next;
        }
        return list;
    }

    private static ScalarType unsigned(int size) {
        return ScalarType.of(switch (size) {
            case 1 -> ScalarKind.UCHAR;
            case 2 -> ScalarKind.USHORT;
            case 4 -> ScalarKind.UINT;
            default -> ScalarKind.ULONGLONG;
        });
    }

    private static long alignUp(long v, long a) {
        return (v + a - 1) / a * a;
    }
}
