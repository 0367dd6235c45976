package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.StructType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a C++ class adds to its data layout: member functions (by name, "operator+" and
 * "operator()" among them), constructors, conversion operators, static constants, default member
 * initializers and member typedefs, with the template bindings of its instance. A lambda's
 * closure is one too: its captures are its fields (by-reference ones hold the address), its body
 * is its {@code operator()}.
 */
final class StructInfo {
    final StructType type;
    /** The instance's template bindings; members defined outside under other parameter names add those names. */
    TemplateEnv env;
    final Map<String, List<Checker.FunctionEntry>> methods = new LinkedHashMap<>();
    final List<Checker.FunctionEntry> constructors = new ArrayList<>();
    final List<Checker.FunctionEntry> conversions = new ArrayList<>();
    final Map<String, TypeSyntax.StaticMember> statics = new HashMap<>();
    final Map<String, KExpr> staticValues = new HashMap<>();
    final Map<String, Initializer> defaultInits = new HashMap<>();
    final Map<String, TypeSyntax> typedefs = new HashMap<>();
    /** Fields that hold the address of what they refer to: reference data members, a closure's captures by reference. */
    final Set<String> referenceFields = new HashSet<>();
    /** Names a lambda's body sees from where it was written without capturing them (constants, shared variables). */
    final Map<String, Symbol> inherited = new HashMap<>();
    /** The name members defined outside the class use for it (a class template's name for its instances). */
    String className;
    /** An instance of a class template's primary definition, whose generic out-of-class members apply to it. */
    boolean primaryInstance;
    /** Constructors declared without __device__: constructing the class in device code is an error. */
    boolean hostConstructor;

    StructInfo(StructType type, TemplateEnv env) {
        this.type = type;
        this.env = env;
    }

    List<Checker.FunctionEntry> methods(String name) {
        return methods.getOrDefault(name, List.of());
    }

    boolean hasConstructors() {
        return !constructors.isEmpty();
    }

    /** Whether creating an object runs code: a constructor, or default member initializers. */
    boolean needsConstruction() {
        return hasConstructors() || !defaultInits.isEmpty() || Inheritance.hasBases(type) || VirtualCalls.isPolymorphic(type);
    }

    CType resolveTypedef(String name, TypeResolver types) {
        TypeSyntax t = typedefs.get(name);
        return t == null ? null : types.resolve(t, env);
    }
}
