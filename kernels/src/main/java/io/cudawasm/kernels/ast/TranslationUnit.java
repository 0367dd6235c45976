package io.cudawasm.kernels.ast;

import io.cudawasm.kernels.source.SourceFile;
import java.util.List;

/** A parsed source file. */
public record TranslationUnit(SourceFile file, List<Decl> declarations) {}
