package io.cudawasm.kernels.types;

/** A pointer; qualifiers of the pointee are kept because emitters must print them. */
public record PointerType(CType pointee, AddressSpace space, boolean constPointee, boolean volatilePointee)
        implements CType {

    public PointerType(CType pointee) {
        this(pointee, AddressSpace.GENERIC, false, false);
    }

    public PointerType withSpace(AddressSpace s) {
        return new PointerType(pointee, s, constPointee, volatilePointee);
    }

    public PointerType withPointee(CType p) {
        return new PointerType(p, space, constPointee, volatilePointee);
    }

    @Override
    public int size() {
        return 8;
    }

    @Override
    public int align() {
        return 8;
    }

    /** Size of the pointee for pointer arithmetic (void* and char* step by one byte). */
    public int stride() {
        return pointee instanceof VoidType ? 1 : Math.max(1, pointee.size());
    }

    @Override
    public String display() {
        return (constPointee ? "const " : "") + (volatilePointee ? "volatile " : "") + pointee.display() + "*";
    }

    /** Pointers are equal as types when their pointees are; qualifiers and spaces aside. */
    public boolean samePointee(PointerType other) {
        return TypeRules.sameType(pointee, other.pointee);
    }

    @Override
    public String toString() {
        return display();
    }
}
