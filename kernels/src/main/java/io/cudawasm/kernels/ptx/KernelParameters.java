package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The C types of a kernel's parameters, which the launch API needs (a buffer for a pointer, a
 * number for a scalar). PTX only says {@code .u64}; the mangled kernel name says
 * {@code const float*}. For unmangled ({@code extern "C"}) kernels a 64-bit parameter is taken to
 * be a pointer when the kernel converts it with {@code cvta} or uses it as an address (or never
 * reads it), and its element type is the one it is accessed as. Such a pointer is {@code const}
 * (an input, not an output of the launch) only when every global store, atomic and reduction of the
 * kernel can be traced to some other parameter and the pointer never escapes into a call or memory;
 * anything less certain leaves it writable.
 */
final class KernelParameters {
    private KernelParameters() {}

    static List<CType> types(PtxFunction k, Optional<ItaniumDemangler.Signature> signature, StorageTypes storage) {
        List<PtxVariable> params = k.params();
        List<ItaniumDemangler.Type> demangled = signature.map(ItaniumDemangler.Signature::params).orElse(List.of());
        boolean useNames = demangled.size() == params.size();
        Uses uses = null;
        List<CType> out = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            PtxVariable p = params.get(i);
            ItaniumDemangler.Type d = useNames ? demangled.get(i) : null;
            if (p.isArray() || p.vector() > 0) {
                out.add(storage.paramType(p));
                continue;
            }
            CType fromName = d == null ? null : fromDemangled(d, p.type());
            if (fromName != null) {
                out.add(fromName);
                continue;
            }
            if (p.type().bits() == 64 && p.type().isInteger()) {
                if (uses == null) {
                    uses = uses(k);
                }
                Use u = uses.byParam().get(p.name());
                if (u == null || u.pointer) {
                    ScalarType elem = u == null ? ScalarType.UCHAR : elementType(u.elements);
                    boolean readOnly = u != null && !u.written && !uses.unattributedWrites();
                    out.add(new PointerType(elem, AddressSpace.GLOBAL, readOnly, false));
                    continue;
                }
            }
            out.add(p.type().kir());
        }
        return out;
    }

    /**
     * The element type of an {@code extern "C"} kernel's pointer: the one type it is accessed as, or
     * the floating-point type when the others are integers of its size (nvcc stores {@code 0.0} to a
     * {@code double*} as {@code st.global.u64 [p], 0}); bytes when the uses disagree otherwise.
     */
    private static ScalarType elementType(Set<ScalarType> elements) {
        if (elements.size() == 1) {
            return elements.iterator().next();
        }
        List<ScalarType> floating = elements.stream().filter(t -> t.kind().isFloating()).toList();
        if (floating.size() == 1 && elements.stream().allMatch(t -> t.size() == floating.get(0).size())) {
            return floating.get(0);
        }
        return ScalarType.UCHAR;
    }

    /** The demangled type when it agrees with the PTX parameter's size; null otherwise. */
    private static CType fromDemangled(ItaniumDemangler.Type d, PtxType ptx) {
        if (d instanceof ItaniumDemangler.Qualified q) {
            return fromDemangled(q.type(), ptx);
        }
        if (d instanceof ItaniumDemangler.Pointer p) {
            if (ptx.bits() != 64) {
                return null;
            }
            if (p.pointee() instanceof ItaniumDemangler.Function) {
                return ScalarType.ULONG; // a function pointer: the function's index (see ModuleLowering.functionIndex)
            }
            return new PointerType(pointee(p.pointee()), AddressSpace.GLOBAL, p.constPointee(), false);
        }
        if (d instanceof ItaniumDemangler.Builtin b) {
            ScalarType t = builtin(b.code());
            return t != null && t.size() == ptx.bytes() && t.kind().isFloating() == ptx.isFloat() ? t : null;
        }
        return null;
    }

    private static CType pointee(ItaniumDemangler.Type d) {
        if (d instanceof ItaniumDemangler.Qualified q) {
            return pointee(q.type());
        }
        if (d instanceof ItaniumDemangler.Builtin b) {
            ScalarType t = builtin(b.code());
            return t != null ? t : new io.cudawasm.kernels.types.VoidType();
        }
        if (d instanceof ItaniumDemangler.Pointer p && p.pointee() instanceof ItaniumDemangler.Function) {
            return ScalarType.ULONG; // an array of function pointers
        }
        if (d instanceof ItaniumDemangler.Pointer p) {
            return new PointerType(pointee(p.pointee()), AddressSpace.GLOBAL, p.constPointee(), false);
        }
        if (d instanceof ItaniumDemangler.Function) {
            return new io.cudawasm.kernels.types.VoidType();
        }
        // CUDA's vector types have a known layout; another class's is not in the PTX: an incomplete struct
        String name = ((ItaniumDemangler.Named) d).name();
        StructType vector = io.cudawasm.kernels.check.BuiltinTypes.vectorType(name);
        return vector != null ? vector : new StructType(name.replace("::", "_"), false, 0);
    }

    private static ScalarType builtin(char code) {
        return switch (code) {
            case 'b' -> ScalarType.BOOL;
            case 'c' -> ScalarType.CHAR;
            case 'a' -> ScalarType.SCHAR;
            case 'h' -> ScalarType.UCHAR;
            case 's' -> ScalarType.SHORT;
            case 't' -> ScalarType.USHORT;
            case 'i' -> ScalarType.INT;
            case 'j' -> ScalarType.UINT;
            case 'l' -> ScalarType.LONG;
            case 'm' -> ScalarType.ULONG;
            case 'x' -> ScalarType.LONGLONG;
            case 'y' -> ScalarType.ULONGLONG;
            case 'f' -> ScalarType.FLOAT;
            case 'd' -> ScalarType.DOUBLE;
            default -> null;
        };
    }

    /** How a 64-bit parameter's value is used. */
    private static final class Use {
        boolean pointer;
        /** Stored, atomically updated or reduced through, or escaped (passed to a call, stored as a value). */
        boolean written;
        final Set<ScalarType> elements = new HashSet<>();
    }

    /**
     * Every parameter's use, and whether some global write goes through an address that could not be
     * traced to a parameter (then no pointer can be proven read-only).
     */
    private record Uses(Map<String, Use> byParam, boolean unattributedWrites) {}

    /** State spaces whose writes cannot reach a kernel's pointer parameters. */
    private static boolean privateSpace(Instruction ins) {
        return ins.has("param") || ins.has("shared") || ins.has("local") || ins.has("const");
    }

    /**
     * Follows each parameter's value through {@code ld.param}, {@code mov}, {@code cvta} and
     * {@code add}/{@code sub} to the addresses it forms; flow-insensitive, which is enough here.
     */
    private static Uses uses(PtxFunction k) {
        Map<String, Use> byParam = new HashMap<>();
        Map<String, String> regParam = new HashMap<>();
        Map<String, Boolean> direct = new HashMap<>();
        boolean unattributed = false;
        boolean changed = true;
        while (changed) {
            changed = false;
            for (PtxStatement s : k.body()) {
                if (!(s instanceof Instruction ins) || ins.operands().isEmpty()) {
                    continue;
                }
                String op = ins.opcode();
                PtxOperand dst = ins.operand(0);
                if (op.equals("ld") && ins.has("param") && ins.operands().size() == 2
                        && ins.operand(1) instanceof PtxOperand.Address a && a.base() instanceof PtxOperand.Symbol sym
                        && dst instanceof PtxOperand.Register r) {
                    byParam.computeIfAbsent(sym.name(), n -> new Use());
                    changed |= regParam.put(r.name(), sym.name()) == null;
                    direct.put(r.name(), true);
                } else if (op.equals("cvta") && ins.operands().size() == 2
                        && ins.operand(1) instanceof PtxOperand.Register src && direct.getOrDefault(src.name(), false)
                        && !byParam.get(regParam.get(src.name())).pointer) {
                    // also when converted in place (cvta.to.global.u64 %rd1, %rd1), as hand-written PTX does
                    byParam.get(regParam.get(src.name())).pointer = true;
                    changed = true;
                } else if ((op.equals("mov") || op.equals("cvta") || op.equals("add") || op.equals("sub"))
                        && dst instanceof PtxOperand.Register r && !regParam.containsKey(r.name())) {
                    for (int i = 1; i < ins.operands().size(); i++) {
                        if (ins.operand(i) instanceof PtxOperand.Register src && regParam.containsKey(src.name())) {
                            String param = regParam.get(src.name());
                            regParam.put(r.name(), param);
                            // cvta of the parameter's own value (not of a sum) marks it as a pointer
                            if (op.equals("cvta") && direct.getOrDefault(src.name(), false)) {
                                byParam.get(param).pointer = true;
                            }
                            direct.put(r.name(), op.equals("mov") && direct.getOrDefault(src.name(), false));
                            changed = true;
                            break;
                        }
                    }
                }
            }
        }
        for (PtxStatement s : k.body()) {
            if (!(s instanceof Instruction ins)) {
                continue;
            }
            String op = ins.opcode();
            boolean write = op.equals("st") || op.equals("atom") || op.equals("red");
            boolean access = write || op.equals("ld") || op.equals("ldu");
            if (op.equals("call") || write) {
                // a parameter's value stored as data (st.param included: that is how a call gets its
                // arguments) or handed to a function may be written through later
                for (PtxOperand o : ins.operands()) {
                    if (o instanceof PtxOperand.Register r && regParam.containsKey(r.name())) {
                        byParam.get(regParam.get(r.name())).written = true;
                    }
                }
            }
            if (!access || ins.has("param")) {
                continue;
            }
            for (PtxOperand o : ins.operands()) {
                if (!(o instanceof PtxOperand.Address a)) {
                    continue;
                }
                if (a.base() instanceof PtxOperand.Register r && regParam.containsKey(r.name())) {
                    Use u = byParam.get(regParam.get(r.name()));
                    if (direct.getOrDefault(r.name(), false)) {
                        u.pointer = true;
                    }
                    u.written |= write;
                    ins.type().ifPresent(t -> u.elements.add(elementOf(t)));
                } else if (write && !privateSpace(ins)) {
                    unattributed = true;
                }
            }
        }
        return new Uses(byParam, unattributed);
    }

    private static ScalarType elementOf(PtxType t) {
        ScalarType s = t.kir();
        return s.kind() == ScalarKind.BOOL ? ScalarType.UCHAR : s;
    }
}
