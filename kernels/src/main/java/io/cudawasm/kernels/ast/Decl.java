package io.cudawasm.kernels.ast;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;
import java.util.Set;

/** Declarations at file scope or in a block. */
public sealed interface Decl {
    SourcePos pos();

    /** CUDA execution-space and C++ specifiers of a function. */
    enum FunctionSpecifier { GLOBAL, DEVICE, HOST, INLINE, FORCEINLINE, NOINLINE, STATIC, EXTERN_C }

    /** Where a variable lives. */
    enum MemorySpace { AUTO, SHARED, CONSTANT, DEVICE, MANAGED }

    record Param(SourcePos pos, String name, TypeSyntax type) {}

    record TemplateParam(SourcePos pos, String name, boolean isType, TypeSyntax valueType,
            TypeSyntax.TemplateArg defaultArg) {}

    /** A function; body null for a prototype; templateParams empty unless a template. */
    record Function(SourcePos pos, String name, Set<FunctionSpecifier> specifiers, TypeSyntax returnType,
            List<Param> params, Stmt.Block body, List<TemplateParam> templateParams) implements Decl {

        public boolean isKernel() {
            return specifiers.contains(FunctionSpecifier.GLOBAL);
        }

        public boolean isDeviceCode() {
            return specifiers.contains(FunctionSpecifier.GLOBAL) || specifiers.contains(FunctionSpecifier.DEVICE);
        }
    }

    /** A host-only function whose body was skipped: its name is kept for messages. */
    record HostFunction(SourcePos pos, String name) implements Decl {}

    record Variable(SourcePos pos, String name, TypeSyntax type, MemorySpace space, boolean isStatic,
            boolean isExtern, Initializer init) implements Decl {}

    record Typedef(SourcePos pos, String name, TypeSyntax type) implements Decl {}

    /** A struct or enum definition standing alone ({@code struct P {...};}). */
    record TypeDefinition(SourcePos pos, TypeSyntax type) implements Decl {}

    /** A struct template (issue: templated shared-memory helpers). */
    record StructTemplate(SourcePos pos, String name, List<TemplateParam> templateParams,
            TypeSyntax.StructDef definition) implements Decl {}

    /** {@code namespace cg = cooperative_groups;} */
    record NamespaceAlias(SourcePos pos, String alias, String target) implements Decl {}
}
