package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import java.util.ArrayList;
import java.util.List;

/**
 * A kernel or device function. Created with its signature so calls can refer to it before its
 * body is lowered (recursion, prototypes); {@link #setBody} completes it.
 */
public final class KFunction {
    private final String name;
    private final String sourceName;
    private final boolean kernel;
    private final CType returnType;
    private final List<KLocal> params;
    private final List<KLocal> locals = new ArrayList<>();
    private final SourcePos pos;
    private KBlock body;
    /** The cluster shape a kernel declares, or null (the launch chooses: one block without clusters). */
    private ClusterDims clusterDims;
    /**
     * The function's threads wait for each other at points a block run thread by thread cannot
     * interleave (a pipeline with producer and consumer roles): a kernel calling it runs with
     * independent threads on the CPU path.
     */
    private io.cudawasm.kernels.source.SourcePos independentThreads;
    /** One more than the highest id of a parameter or local (kept, not searched: PTX makes a local per register). */
    private int nextId;

    /**
     * @param name the symbol emitted (unique in the module; template instances are mangled)
     * @param sourceName how users name it ({@code reduce<float, 256>})
     */
    public KFunction(String name, String sourceName, boolean kernel, CType returnType, List<KLocal> params,
            SourcePos pos) {
        this.name = name;
        this.sourceName = sourceName;
        this.kernel = kernel;
        this.returnType = returnType;
        this.params = List.copyOf(params);
        this.pos = pos;
        for (KLocal p : this.params) {
            nextId = Math.max(nextId, p.id() + 1);
        }
    }

    public String name() {
        return name;
    }

    public String sourceName() {
        return sourceName;
    }

    public boolean isKernel() {
        return kernel;
    }

    public CType returnType() {
        return returnType;
    }

    public List<KLocal> params() {
        return params;
    }

    /** Locals other than parameters, in declaration order. */
    public List<KLocal> locals() {
        return locals;
    }

    public void addLocal(KLocal local) {
        locals.add(local);
        nextId = Math.max(nextId, local.id() + 1);
    }

    /** A new local with an id unused in this function (for compiler passes). */
    public KLocal newLocal(String localName, CType type, SourcePos at) {
        KLocal l = new KLocal(nextId, localName, type, false, at);
        addLocal(l);
        return l;
    }

    public SourcePos pos() {
        return pos;
    }

    /**
     * A kernel like this one, with its locals and declared cluster shape, for a pass that gives it
     * a transformed body.
     */
    public KFunction copyWithLocals() {
        KFunction copy = new KFunction(name, sourceName, kernel, returnType, params, pos);
        locals.forEach(copy::addLocal);
        copy.clusterDims = clusterDims;
        copy.independentThreads = independentThreads;
        return copy;
    }

    public boolean independentThreads() {
        return independentThreads != null;
    }

    /** Where the function's threads first need to wait for each other so, or null. */
    public io.cudawasm.kernels.source.SourcePos independentThreadsAt() {
        return independentThreads;
    }

    /** Marks the function as needing independent threads, because of what is at {@code pos}. */
    public void needIndependentThreads(io.cudawasm.kernels.source.SourcePos pos) {
        if (independentThreads == null) {
            this.independentThreads = pos;
        }
    }

    public ClusterDims clusterDims() {
        return clusterDims;
    }

    public void setClusterDims(ClusterDims dims) {
        this.clusterDims = dims;
    }

    public KBlock body() {
        return body;
    }

    public boolean hasBody() {
        return body != null;
    }

    public void setBody(KBlock body) {
        this.body = body;
    }

    @Override
    public String toString() {
        return name;
    }
}
