package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Place;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.StructType;

/**
 * Reference data members ({@code struct S { int &r; S(int &a) : r(a) {} };}): the field holds
 * the address of what the reference is bound to, as nvcc keeps it (sizeof is a pointer's, and
 * copying the object copies the binding). Naming the member reads and writes the referent; it is
 * bound once, by the constructor's initializer list, a default member initializer or an
 * aggregate initializer, always to an lvalue (a temporary would not outlive the initialization).
 */
final class ReferenceMembers {
    private ReferenceMembers() {}

    static boolean declaresReference(TypeSyntax.Member m) {
        return TypeSyntax.unqualified(m.type()) instanceof TypeSyntax.Reference;
    }

    /** Whether {@code f}, a field of {@code owner}, is a reference member. */
    static boolean isReference(Checker checker, StructType owner, Field f) {
        StructInfo info = checker.classOf(owner);
        return info != null && info.referenceFields.contains(f.name()) && f.type() instanceof PointerType;
    }

    /**
     * The member a name denotes, at {@code fieldAddress}: the referent for a reference member
     * (whose constness is the reference's, not the object's), else the field itself.
     */
    static LValue member(Checker checker, StructType owner, Field f, KExpr fieldAddress, boolean constObject) {
        if (isReference(checker, owner, f)) {
            PointerType pt = (PointerType) f.type();
            return new LValue.OfMemory(new KExpr.Load(fieldAddress), pt.pointee(), pt.constPointee());
        }
        return new LValue.OfMemory(fieldAddress, f.type(), constObject);
    }

    /** Binds the reference member {@code f} at {@code fieldAddress} to {@code value}, which must be an lvalue. */
    static void bind(ExpressionLowering exprs, FunctionContext ctx, Field f, KExpr fieldAddress, Operand value,
            SourcePos pos) {
        PointerType pt = (PointerType) f.type();
        if (!(value instanceof Place p) || p.lvalue() instanceof LValue.OfBitField) {
            throw CompileException.at(pos, "reference member '" + f.name() + "' must be bound to an lvalue of type '"
                    + pt.pointee().display() + "' (a temporary would not outlive the initialization)");
        }
        KExpr address = exprs.referenceArgument(value, pt.pointee(), pt.constPointee(), "member '" + f.name() + "'", pos);
        ctx.emit(new KStmt.Store(fieldAddress, exprs.convert(address, pt, pos, true), pos));
    }

    static CompileException unbound(StructType owner, Field f, SourcePos pos) {
        return CompileException.at(pos, "reference member '" + f.name() + "' of '" + owner.display()
                + "' is not bound: initialize it in the constructor's initializer list or with a default member "
                + "initializer");
    }
}
