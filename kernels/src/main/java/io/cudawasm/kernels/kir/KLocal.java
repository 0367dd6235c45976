package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.StructType;

/**
 * A local variable or parameter of a function. Ids are unique within the function, so emitters
 * may name it {@code name_id} without worrying about C's block scoping.
 */
public final class KLocal {
    private final int id;
    private final String name;
    private final CType type;
    private final boolean param;
    private final SourcePos pos;
    private boolean addressTaken;
    private boolean uniform;
    private boolean threadContext;

    public KLocal(int id, String name, CType type, boolean param, SourcePos pos) {
        this.id = id;
        this.name = name;
        this.type = type;
        this.param = param;
        this.pos = pos;
    }

    public int id() {
        return id;
    }

    /**
     * The id: equality stays identity, but hash-ordered sets and maps of locals then iterate in the same
     * order in every run, so the emitted code (region parameters, scratch locals) depends on the source
     * alone, not on the JVM's identity hashes (which moved with whatever the process compiled before).
     */
    @Override
    public int hashCode() {
        return id;
    }

    public String name() {
        return name;
    }

    public CType type() {
        return type;
    }

    public boolean isParam() {
        return param;
    }

    public SourcePos pos() {
        return pos;
    }

    /** True once {@code &x} was taken: such a local lives in memory on the CPU path. */
    public boolean addressTaken() {
        return addressTaken;
    }

    public void markAddressTaken() {
        addressTaken = true;
    }

    /**
     * One value per block rather than per thread: a local made by region fission that lives
     * outside the thread loops (counters, reductions, "any thread active" flags).
     */
    public boolean isUniform() {
        return uniform;
    }

    public void markUniform() {
        uniform = true;
    }

    /**
     * A per-thread value that must survive from one thread loop to another (region fission):
     * it gets a slot in each thread's frame and is reloaded at the start of each thread loop.
     */
    public boolean isThreadContext() {
        return threadContext;
    }

    public void markThreadContext() {
        threadContext = true;
    }

    /** Arrays, structs and address-taken scalars need memory; other scalars live in registers. */
    public boolean needsMemory() {
        return addressTaken || type instanceof ArrayType || type instanceof StructType;
    }

    /** A C identifier unique in the function. */
    public String uniqueName() {
        return (name.isEmpty() ? "v" : name) + "_" + id;
    }

    @Override
    public String toString() {
        return uniqueName();
    }
}
