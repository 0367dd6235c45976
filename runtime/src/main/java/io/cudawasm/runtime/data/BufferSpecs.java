package io.cudawasm.runtime.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Parses the command line's buffer specs: {@code zeros:N}, {@code iota:N[:START[:STEP]]},
 * {@code const:N:VALUE}, {@code random:N[:SEED[:MIN:MAX]]}, {@code mod:N:M[:START]},
 * {@code affine:N:SCALE:OFFSET[:PERIOD]}, {@code file:PATH}.
 */
public final class BufferSpecs {
    private BufferSpecs() {}

    public static boolean looksLikeSpec(String s) {
        String kind = s.contains(":") ? s.substring(0, s.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        return switch (kind) {
            case "zeros", "out", "iota", "const", "random", "file", "mod", "affine" -> true;
            default -> false;
        };
    }

    public static BufferSpec parse(String text) {
        String[] p = text.split(":", -1);
        String kind = p[0].toLowerCase(Locale.ROOT);
        try {
            return switch (kind) {
                case "zeros", "out" -> {
                    arity(text, p, 2, 2);
                    yield new BufferSpec.Zeros(count(p[1]));
                }
                case "iota" -> {
                    arity(text, p, 2, 4);
                    yield new BufferSpec.Iota(count(p[1]), p.length > 2 ? Double.parseDouble(p[2]) : 0,
                            p.length > 3 ? Double.parseDouble(p[3]) : 1);
                }
                case "const" -> {
                    arity(text, p, 3, 3);
                    yield new BufferSpec.Constant(count(p[1]), Double.parseDouble(p[2]));
                }
                case "random" -> {
                    if (p.length != 2 && p.length != 3 && p.length != 5) {
                        throw new IllegalArgumentException("expected random:N[:SEED[:MIN:MAX]], got '" + text + "'");
                    }
                    yield new BufferSpec.Random(count(p[1]), p.length > 2 ? Long.parseLong(p[2]) : 42,
                            p.length > 3 ? Double.parseDouble(p[3]) : 0, p.length > 3 ? Double.parseDouble(p[4]) : 1);
                }
                case "mod" -> {
                    arity(text, p, 3, 4);
                    yield new BufferSpec.Modulo(count(p[1]), Long.decode(p[2]), p.length > 3 ? Long.decode(p[3]) : 0);
                }
                case "affine" -> {
                    arity(text, p, 4, 5);
                    yield new BufferSpec.Affine(count(p[1]), number(p[2]), number(p[3]),
                            p.length > 4 ? count(p[4]) : Long.MAX_VALUE);
                }
                case "file" -> BufferSpec.file(Path.of(text.substring(5)));
                default -> throw new IllegalArgumentException("unknown buffer spec '" + text
                        + "' (use zeros:N, iota:N[:START[:STEP]], const:N:V, random:N[:SEED[:MIN:MAX]], mod:N:M[:START], "
                        + "affine:N:SCALE:OFFSET[:PERIOD], file:PATH)");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in buffer spec '" + text + "'");
        }
    }

    /** A number, or a fraction such as {@code 1/1024} (affine scales). */
    private static double number(String s) {
        int slash = s.indexOf('/');
        return slash < 0 ? Double.parseDouble(s) : Double.parseDouble(s.substring(0, slash))
                / Double.parseDouble(s.substring(slash + 1));
    }

    private static void arity(String text, String[] p, int min, int max) {
        if (p.length < min || p.length > max) {
            throw new IllegalArgumentException("wrong number of fields in buffer spec '" + text + "'");
        }
    }

    private static long count(String s) {
        long n = parseSize(s);
        if (n < 0) {
            throw new IllegalArgumentException("element count must not be negative: " + s);
        }
        return n;
    }

    /** Counts may use K, M, G suffixes (powers of 1024) and '_' separators: 16M, 1_000_000. */
    public static long parseSize(String s) {
        String t = s.replace("_", "").trim();
        long mult = 1;
        char last = Character.toUpperCase(t.charAt(t.length() - 1));
        if (last == 'K' || last == 'M' || last == 'G') {
            mult = last == 'K' ? 1024L : last == 'M' ? 1024L * 1024 : 1024L * 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t) * mult;
    }
}
