package io.cudawasm.kernels.types;

/** A fixed-size array; length -1 for an incomplete array ({@code extern __shared__ float s[]}). */
public record ArrayType(CType element, long length) implements CType {

    public boolean isIncomplete() {
        return length < 0;
    }

    @Override
    public int size() {
        return isIncomplete() ? 0 : (int) Math.min(Integer.MAX_VALUE, element.size() * length);
    }

    @Override
    public int align() {
        return element.align();
    }

    /** The innermost non-array element type. */
    public CType baseElement() {
        CType t = element;
        while (t instanceof ArrayType a) {
            t = a.element;
        }
        return t;
    }

    @Override
    public String display() {
        StringBuilder dims = new StringBuilder();
        CType t = this;
        while (t instanceof ArrayType a) {
            dims.append('[').append(a.isIncomplete() ? "" : Long.toString(a.length)).append(']');
            t = a.element;
        }
        return t.display() + dims;
    }

    @Override
    public String toString() {
        return display();
    }
}
