package io.cudawasm.kernels.ast;

import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ScalarKind;
import java.util.List;

/** A type as written; the checker resolves it (template parameters only at instantiation). */
public sealed interface TypeSyntax {
    SourcePos pos();

    /** An arithmetic type or void (kind null). */
    record Builtin(SourcePos pos, ScalarKind kind) implements TypeSyntax {}

    /** A typedef, template parameter or struct name used as a type, optionally with template arguments. */
    record Named(SourcePos pos, String name, List<TemplateArg> args) implements TypeSyntax {}

    /** A type declared in a class, named through the class: {@code typename vec3<T>::Type}. */
    record Nested(SourcePos pos, TypeSyntax owner, String name) implements TypeSyntax {}

    /** {@code struct Tag}, possibly with its definition. */
    record StructRef(SourcePos pos, String tag, boolean union, StructDef definition) implements TypeSyntax {}

    /** {@code enum Tag}; enums are int-sized. */
    record EnumRef(SourcePos pos, String tag, EnumDef definition) implements TypeSyntax {}

    record Pointer(SourcePos pos, TypeSyntax pointee, boolean isConst, boolean isVolatile, boolean restrict)
            implements TypeSyntax {}

    /** A C++ reference parameter or variable. */
    record Reference(SourcePos pos, TypeSyntax referent) implements TypeSyntax {}

    /** {@code T[length]}; length null for {@code T[]}. */
    record Array(SourcePos pos, TypeSyntax element, Expr length) implements TypeSyntax {}

    /**
     * A function type, as declarators write it ({@code int (*f)(int)} is a pointer to one); only a
     * pointer to it is a value type.
     */
    record Function(SourcePos pos, TypeSyntax returnType, List<Decl.Param> params) implements TypeSyntax {}

    record Qualified(SourcePos pos, TypeSyntax base, boolean isConst, boolean isVolatile) implements TypeSyntax {}

    /**
     * A struct body: data members in order, member functions (constructors and operators among
     * them), static constant members, and types and typedefs declared inside. {@code hostOnly} says
     * why the struct is host code (a member of a type only host headers declare), or is null.
     */
    record StructDef(SourcePos pos, String tag, boolean union, int explicitAlign, List<Member> members,
            List<Method> methods, List<StaticMember> statics, List<Decl> nested, String hostOnly) {

        public StructDef(SourcePos pos, String tag, boolean union, int explicitAlign, List<Member> members) {
            this(pos, tag, union, explicitAlign, members, List.of(), List.of(), List.of(), null);
        }

        public StructDef withTag(String newTag) {
            return new StructDef(pos, newTag, union, explicitAlign, members, methods, statics, nested, hostOnly);
        }

        public boolean hasMethods() {
            return !methods.isEmpty();
        }
    }

    /** What a member function is. */
    enum MethodKind { METHOD, CONSTRUCTOR, CONVERSION }

    /**
     * A member function defined in its class: {@code function.name()} is its name ("operator+",
     * "operator()", "operator[]", the class name for a constructor, "operator cast" for a conversion
     * operator, whose return type is the type converted to).
     */
    record Method(Decl.Function function, MethodKind kind, boolean isConst, List<MemberInit> inits) {}

    /** {@code name(args)} or {@code name{args}} in a constructor's member initializer list. */
    record MemberInit(SourcePos pos, String name, List<Expr> args, boolean braced) {}

    /** {@code static const int N = 4;} in a class: a constant. */
    record StaticMember(SourcePos pos, String name, TypeSyntax type, Expr value) {}

    /**
     * A data member; {@code bitWidth} is its width when it is a bit-field (null otherwise; name ""
     * when unnamed); {@code init} its default member initializer, or null.
     */
    record Member(SourcePos pos, String name, TypeSyntax type, Expr bitWidth, Initializer init) {
        public Member(SourcePos pos, String name, TypeSyntax type) {
            this(pos, name, type, null, null);
        }

        public Member(SourcePos pos, String name, TypeSyntax type, Expr bitWidth) {
            this(pos, name, type, bitWidth, null);
        }
    }

    record EnumDef(SourcePos pos, String tag, List<Enumerator> enumerators) {}

    record Enumerator(SourcePos pos, String name, Expr value) {}

    /** A template argument: a type or a constant expression. */
    sealed interface TemplateArg permits TypeArg, ValueArg {}

    record TypeArg(TypeSyntax type) implements TemplateArg {}

    record ValueArg(Expr value) implements TemplateArg {}

    /** Strips qualifiers. */
    static TypeSyntax unqualified(TypeSyntax t) {
        while (t instanceof Qualified q) {
            t = q.base();
        }
        return t;
    }

    static boolean isConst(TypeSyntax t) {
        return t instanceof Qualified q && (q.isConst() || isConst(q.base()));
    }
}
