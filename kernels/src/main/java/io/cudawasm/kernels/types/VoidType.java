package io.cudawasm.kernels.types;

public record VoidType() implements CType {
    public static final VoidType VOID = new VoidType();

    @Override
    public int size() {
        return 1;
    }

    @Override
    public int align() {
        return 1;
    }

    @Override
    public String display() {
        return "void";
    }

    @Override
    public String toString() {
        return "void";
    }
}
