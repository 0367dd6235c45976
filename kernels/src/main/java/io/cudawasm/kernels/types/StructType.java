package io.cudawasm.kernels.types;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A struct or union, laid out as nvcc lays it out (natural alignment, optional {@code __align__}).
 * Created incomplete and completed by {@link #define}; compared by identity. CUDA's vector types
 * (float4, int2, ...) and dim3 are built-in structs with {@link #vectorElement()} set.
 */
public final class StructType implements CType {
    private final String name;
    private final boolean union;
    private final int explicitAlign;
    private List<Field> fields;
    /** Members as declared, when they differ from {@link #fields} (bit-fields); null otherwise. */
    private List<StructMember> declared;
    private int size;
    private int align = 1;
    private ScalarKind vectorElement;

    public StructType(String name, boolean union, int explicitAlign) {
        this.name = name;
        this.union = union;
        this.explicitAlign = explicitAlign;
    }

    /** CUDA's vector type {@code <elem><n>} with its documented alignment. */
    public static StructType vector(String name, ScalarKind element, int n, int alignment) {
        StructType s = new StructType(name, false, alignment);
        List<Field> fs = new ArrayList<>();
        String[] names = {"x", "y", "z", "w"};
        for (int i = 0; i < n; i++) {
            fs.add(new Field(names[i], ScalarType.of(element), 0));
        }
        s.define(fs);
        s.vectorElement = element;
        return s;
    }

    /** Computes offsets, size and alignment from members declared in order. */
    public void define(List<Field> members) {
        define(members, 1);
    }

    /**
     * Lays out storage fields (bit-field units and padding included) in order, aligned at least to
     * {@code minAlign}, and keeps the members as declared for initialization and lookup.
     */
    public void defineWithBitFields(List<Field> storage, List<StructMember> declaredMembers, int minAlign) {
        define(storage, minAlign);
        List<StructMember> resolved = new java.util.ArrayList<>();
        for (StructMember m : declaredMembers) {
            if (m instanceof Field f) {
                resolved.add(field(f.name()).orElseThrow());
            } else if (m instanceof BitField b) {
                Field unit = field(b.unit().name()).orElseThrow();
                resolved.add(new BitField(b.name(), unit, b.bitOffset(), b.width(), b.declared()));
            }
        }
        this.declared = List.copyOf(resolved);
    }

    private void define(List<Field> members, int minAlign) {
        List<Field> laid = new ArrayList<>();
        int offset = 0;
        int maxAlign = Math.max(minAlign, Math.max(1, explicitAlign));
        int maxSize = 0;
        for (Field f : members) {
            int a = f.type().align();
            maxAlign = Math.max(maxAlign, a);
            if (union) {
                laid.add(new Field(f.name(), f.type(), 0));
                maxSize = Math.max(maxSize, f.type().size());
            } else {
                offset = alignUp(offset, a);
                laid.add(new Field(f.name(), f.type(), offset));
                offset += f.type().size();
            }
        }
        this.fields = List.copyOf(laid);
        this.align = maxAlign;
        this.size = alignUp(union ? maxSize : offset, maxAlign);
    }

    public static int alignUp(int value, int alignment) {
        return (value + alignment - 1) / alignment * alignment;
    }

    public String name() {
        return name;
    }

    public boolean isUnion() {
        return union;
    }

    public boolean isComplete() {
        return fields != null;
    }

    public List<Field> fields() {
        return fields == null ? List.of() : fields;
    }

    public Optional<Field> field(String fieldName) {
        return fields().stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    /** The members as declared: the fields, with bit-fields instead of their storage. */
    public List<StructMember> declaredMembers() {
        return declared != null ? declared : List.copyOf(fields());
    }

    public Optional<BitField> bitField(String fieldName) {
        if (declared == null) {
            return Optional.empty();
        }
        return declared.stream().filter(m -> m instanceof BitField && m.name().equals(fieldName))
                .map(m -> (BitField) m).findFirst();
    }

    /** The element kind when this is a CUDA vector type (float4 and friends), else null. */
    public ScalarKind vectorElement() {
        return vectorElement;
    }

    public boolean isVector() {
        return vectorElement != null;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int align() {
        return align;
    }

    @Override
    public String display() {
        return isVector() || name.startsWith("dim3") || name.equals("uint3") ? name : (union ? "union " : "struct ") + name;
    }

    @Override
    public String toString() {
        return display();
    }
}
