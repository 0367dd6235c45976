package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.lex.Token;
import io.cudawasm.kernels.parse.Parser;
import io.cudawasm.kernels.source.SourceFile;
import java.util.List;

/** Reads the template arguments of an instantiation request such as {@code reduce<float, 256>}. */
final class TemplateArgumentParser {
    private TemplateArgumentParser() {}

    static List<TypeSyntax.TemplateArg> parse(SourceFile file, List<Token> tokens) {
        return Parser.parseTemplateArguments(file, tokens);
    }
}
