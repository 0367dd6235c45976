package io.cudawasm.kernels.ptx;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Enough of the Itanium C++ name demangling to recover a kernel's name and parameter types from
 * the symbol nvcc gives it ({@code _Z9vectorAddPKfS0_Pfi} is {@code vectorAdd(const float*,
 * const float*, float*, int)}). PTX itself only says ".u64" for a pointer; the mangled name says
 * what it points to. Anything outside the supported subset yields {@link Optional#empty()}, and the
 * caller falls back to what the PTX says.
 */
final class ItaniumDemangler {

    /** A demangled C++ type: a builtin, a class, or a pointer to a type, with const-ness of the pointee. */
    sealed interface Type {
        String display();
    }

    /** {@code int}, {@code unsigned int}, ...: {@code code} is the mangling letter. */
    record Builtin(char code, String name) implements Type {
        @Override
        public String display() {
            return name;
        }
    }

    record Named(String name) implements Type {
        @Override
        public String display() {
            return name;
        }
    }

    record Pointer(Type pointee, boolean constPointee) implements Type {
        @Override
        public String display() {
            return (constPointee ? "const " : "") + pointee.display() + "*";
        }
    }

    /** A const/volatile/restrict-qualified type (the qualifier matters only under a pointer). */
    record Qualified(Type type, boolean isConst) implements Type {
        @Override
        public String display() {
            return (isConst ? "const " : "") + type.display();
        }
    }

    /** A function type ({@code FiiE}), which kernels take pointers to. */
    record Function(Type returnType, List<Type> params) implements Type {
        @Override
        public String display() {
            return returnType.display() + " (" + String.join(", ", params.stream().map(Type::display).toList()) + ")";
        }
    }

    /** A demangled function: {@code name} includes template arguments ({@code blockSum<float, 128>}). */
    record Signature(String name, List<Type> params) {}

    private final String s;
    private int i;
    private final List<Type> substitutions = new ArrayList<>();
    private final List<Type> templateArgs = new ArrayList<>();

    private ItaniumDemangler(String s) {
        this.s = s;
    }

    static Optional<Signature> demangle(String symbol) {
        if (!symbol.startsWith("_Z")) {
            return Optional.empty();
        }
        try {
            ItaniumDemangler d = new ItaniumDemangler(symbol);
            d.i = 2;
            return Optional.of(d.encoding());
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    private char peek() {
        return s.charAt(i);
    }

    private boolean accept(char c) {
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    private static IllegalArgumentException unsupported() {
        return new IllegalArgumentException("unsupported mangling");
    }

    private Signature encoding() {
        String name;
        boolean template = false;
        if (accept('N')) {
            StringBuilder qualified = new StringBuilder();
            while (!accept('E')) {
                if (peek() == 'I') {
                    qualified.append(templateArgs());
                    template = true;
                    continue;
                }
                if (qualified.length() > 0) {
                    qualified.append("::");
                }
                qualified.append(sourceName());
                substitutions.add(new Named(qualified.toString()));
                template = false;
            }
            // the function's own name is not a substitution candidate
            substitutions.remove(substitutions.size() - 1);
            name = qualified.toString();
        } else {
            name = sourceName();
            if (i < s.length() && peek() == 'I') {
                substitutions.add(new Named(name));
                name = name + templateArgs();
                template = true;
            }
        }
        if (template) {
            type(); // a template function's mangling includes its return type
        }
        List<Type> params = new ArrayList<>();
        while (i < s.length()) {
            if (peek() == 'v' && params.isEmpty() && i == s.length() - 1) {
                i++;
                break;
            }
            params.add(type());
        }
        return new Signature(name, params);
    }

    private String sourceName() {
        int start = i;
        while (i < s.length() && Character.isDigit(peek())) {
            i++;
        }
        if (start == i) {
            throw unsupported();
        }
        int len = Integer.parseInt(s.substring(start, i));
        String id = s.substring(i, i + len);
        i += len;
        return id;
    }

    /** {@code I <arg>+ E} as {@code <float, 128>}. */
    private String templateArgs() {
        if (!accept('I')) {
            throw unsupported();
        }
        StringBuilder sb = new StringBuilder("<");
        List<Type> args = new ArrayList<>();
        while (!accept('E')) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            if (accept('L')) {
                Type t = type();
                boolean negative = accept('n');
                int start = i;
                while (Character.isDigit(peek())) {
                    i++;
                }
                String digits = s.substring(start, i);
                if (!accept('E') || digits.isEmpty()) {
                    throw unsupported();
                }
                String value = (negative ? "-" : "") + digits;
                if (t instanceof Builtin b && b.code() == 'b') {
                    value = digits.equals("0") ? "false" : "true";
                }
                sb.append(value);
                args.add(t);
            } else {
                Type t = type();
                sb.append(t.display());
                args.add(t);
            }
        }
        templateArgs.clear();
        templateArgs.addAll(args);
        return sb.append('>').toString();
    }

    private Type type() {
        char c = peek();
        Type b = builtin(c);
        if (b != null) {
            i++;
            return b;
        }
        switch (c) {
            case 'P' -> {
                i++;
                Type inner = type();
                boolean constPointee = inner instanceof Qualified q && q.isConst();
                Type pointee = inner instanceof Qualified q ? q.type() : inner;
                Type t = new Pointer(pointee, constPointee);
                substitutions.add(t);
                return t;
            }
            case 'F' -> {
                i++;
                Type ret = type();
                List<Type> params = new ArrayList<>();
                while (!accept('E')) {
                    if (peek() == 'v' && s.startsWith("vE", i)) {
                        i++; // (void): no parameters
                        continue;
                    }
                    params.add(type());
                }
                Type t = new Function(ret, params);
                substitutions.add(t);
                return t;
            }
            case 'K', 'V', 'r' -> {
                i++;
                boolean isConst = c == 'K';
                while (i < s.length() && (peek() == 'K' || peek() == 'V' || peek() == 'r')) {
                    isConst |= peek() == 'K';
                    i++;
                }
                Type inner = type();
                Type t = new Qualified(inner instanceof Qualified q ? q.type() : inner, isConst);
                substitutions.add(t);
                return t;
            }
            case 'S' -> {
                i++;
                int index;
                if (accept('_')) {
                    index = 0;
                } else {
                    int start = i;
                    while (peek() != '_') {
                        i++;
                    }
                    String seq = s.substring(start, i);
                    i++;
                    if (seq.isEmpty() || !seq.chars().allMatch(ch -> Character.isDigit(ch) || Character.isUpperCase(ch))) {
                        throw unsupported();
                    }
                    index = Integer.parseInt(seq, 36) + 1;
                }
                if (index >= substitutions.size()) {
                    throw unsupported();
                }
                return substitutions.get(index);
            }
            case 'T' -> {
                i++;
                int index = 0;
                if (!accept('_')) {
                    int start = i;
                    while (Character.isDigit(peek())) {
                        i++;
                    }
                    index = Integer.parseInt(s.substring(start, i)) + 1;
                    if (!accept('_')) {
                        throw unsupported();
                    }
                }
                if (index >= templateArgs.size()) {
                    throw unsupported();
                }
                Type t = templateArgs.get(index);
                substitutions.add(t);
                return t;
            }
            case 'N' -> {
                i++;
                StringBuilder qualified = new StringBuilder();
                while (!accept('E')) {
                    if (peek() == 'I' && qualified.length() > 0) {
                        // vec4<T_>::Type: a class template instance in the prefix; T_ stays the function's
                        List<Type> own = new ArrayList<>(templateArgs);
                        qualified.append(templateArgs());
                        templateArgs.clear();
                        templateArgs.addAll(own);
                        substitutions.add(new Named(qualified.toString()));
                        continue;
                    }
                    if (qualified.length() > 0) {
                        qualified.append("::");
                    }
                    qualified.append(sourceName());
                    substitutions.add(new Named(qualified.toString()));
                }
                return substitutions.get(substitutions.size() - 1);
            }
            default -> {
                if (Character.isDigit(c)) {
                    Type t = new Named(sourceName());
                    substitutions.add(t);
                    if (i < s.length() && peek() == 'I') {
                        // a class template instance (interval_gpu<T_>): its arguments may name the
                        // function's template parameters, which stay the function's afterwards
                        List<Type> own = new ArrayList<>(templateArgs);
                        String args = templateArgs();
                        templateArgs.clear();
                        templateArgs.addAll(own);
                        t = new Named(t.display() + args);
                        substitutions.add(t);
                    }
                    return t;
                }
                throw unsupported();
            }
        }
    }

    private static Builtin builtin(char c) {
        String name = switch (c) {
            case 'v' -> "void";
            case 'b' -> "bool";
            case 'c' -> "char";
            case 'a' -> "signed char";
            case 'h' -> "unsigned char";
            case 's' -> "short";
            case 't' -> "unsigned short";
            case 'i' -> "int";
            case 'j' -> "unsigned int";
            case 'l' -> "long";
            case 'm' -> "unsigned long";
            case 'x' -> "long long";
            case 'y' -> "unsigned long long";
            case 'f' -> "float";
            case 'd' -> "double";
            default -> null;
        };
        return name == null ? null : new Builtin(c, name);
    }
}
