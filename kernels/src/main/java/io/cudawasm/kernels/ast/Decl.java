package io.cudawasm.kernels.ast;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;
import java.util.Set;

/** Declarations at file scope or in a block. */
public sealed interface Decl {
    SourcePos pos();

    /** CUDA execution-space and C++ specifiers of a function. */
    enum FunctionSpecifier { GLOBAL, DEVICE, HOST, INLINE, FORCEINLINE, NOINLINE, STATIC, EXTERN_C, VIRTUAL }

    /** Where a variable lives. */
    enum MemorySpace { AUTO, SHARED, CONSTANT, DEVICE, MANAGED }

    /** A parameter; {@code defaultValue} is its default argument, or null. */
    record Param(SourcePos pos, String name, TypeSyntax type, Expr defaultValue) {
        public Param(SourcePos pos, String name, TypeSyntax type) {
            this(pos, name, type, null);
        }
    }

    record TemplateParam(SourcePos pos, String name, boolean isType, TypeSyntax valueType,
            TypeSyntax.TemplateArg defaultArg) {}

    /**
     * A function; body null for a prototype; templateParams empty unless a template.
     * {@code specializationArgs} is null except for an explicit specialization ({@code template <>
     * int twice<int>(int)}), where it holds the arguments written (empty when they are deduced).
     * {@code clusterDims} is a kernel's {@code __cluster_dims__(x, y, z)}, or null.
     */
    record Function(SourcePos pos, String name, Set<FunctionSpecifier> specifiers, TypeSyntax returnType,
            List<Param> params, Stmt.Block body, List<TemplateParam> templateParams,
            List<TypeSyntax.TemplateArg> specializationArgs, List<Integer> clusterDims) implements Decl {

        public Function(SourcePos pos, String name, Set<FunctionSpecifier> specifiers, TypeSyntax returnType,
                List<Param> params, Stmt.Block body, List<TemplateParam> templateParams) {
            this(pos, name, specifiers, returnType, params, body, templateParams, null, null);
        }

        public Function(SourcePos pos, String name, Set<FunctionSpecifier> specifiers, TypeSyntax returnType,
                List<Param> params, Stmt.Block body, List<TemplateParam> templateParams,
                List<TypeSyntax.TemplateArg> specializationArgs) {
            this(pos, name, specifiers, returnType, params, body, templateParams, specializationArgs, null);
        }

        public boolean isSpecialization() {
            return specializationArgs != null;
        }

        public Function asSpecialization(List<TypeSyntax.TemplateArg> args) {
            return new Function(pos, name, specifiers, returnType, params, body, templateParams, args, clusterDims);
        }

        public boolean isKernel() {
            return specifiers.contains(FunctionSpecifier.GLOBAL);
        }

        public boolean isDeviceCode() {
            return specifiers.contains(FunctionSpecifier.GLOBAL) || specifiers.contains(FunctionSpecifier.DEVICE);
        }
    }

    /**
     * An explicit instantiation ({@code template void launch<int>(int*);}): the template named, its
     * arguments as written (empty when deduced from the parameter types). {@code params} is null for
     * a template kernel launched from host code, instantiated when its arguments are constants.
     */
    record ExplicitInstantiation(SourcePos pos, String name, List<TypeSyntax.TemplateArg> args, List<Param> params)
            implements Decl {}

    /** A host-only function whose body was skipped: its name is kept for messages. */
    record HostFunction(SourcePos pos, String name) implements Decl {}

    /** A file-scope variable of a type the compiler does not know, skipped as host data. */
    record HostVariable(SourcePos pos, String name, String typeName) implements Decl {}

    /** A variable; {@code align} its {@code __align__}/{@code alignas} (0: its type's). */
    record Variable(SourcePos pos, String name, TypeSyntax type, MemorySpace space, boolean isStatic,
            boolean isExtern, Initializer init, int align) implements Decl {
        public Variable(SourcePos pos, String name, TypeSyntax type, MemorySpace space, boolean isStatic,
                boolean isExtern, Initializer init) {
            this(pos, name, type, space, isStatic, isExtern, init, 0);
        }
    }

    record Typedef(SourcePos pos, String name, TypeSyntax type) implements Decl {}

    /** A struct or enum definition standing alone ({@code struct P {...};}). */
    record TypeDefinition(SourcePos pos, TypeSyntax type) implements Decl {}

    /** A struct template (issue: templated shared-memory helpers). */
    record StructTemplate(SourcePos pos, String name, List<TemplateParam> templateParams,
            TypeSyntax.StructDef definition) implements Decl {}

    /** {@code template <> struct SharedMemory<double> {...};}: the struct for one argument list of a struct template. */
    record StructSpecialization(SourcePos pos, String name, List<TypeSyntax.TemplateArg> args,
            TypeSyntax.StructDef definition) implements Decl {}

    /**
     * A member function defined outside its class ({@code int Foo::get() const {...}},
     * {@code template <class T> Foo<T>::Foo(T v) : x(v) {}}): the class as written (its template
     * arguments name the definition's own template parameters), and the member as the class would hold it.
     */
    record MemberDefinition(SourcePos pos, String className, List<TypeSyntax.TemplateArg> classArgs,
            List<TemplateParam> templateParams, TypeSyntax.Method method) implements Decl {}

    /** {@code const float Foo::K = 2.5f;}: the value of a static constant member declared in the class without one. */
    record StaticDataDefinition(SourcePos pos, String className, String name, TypeSyntax type, Expr value)
            implements Decl {}

    /** {@code namespace cg = cooperative_groups;} */
    record NamespaceAlias(SourcePos pos, String alias, String target) implements Decl {}
}
