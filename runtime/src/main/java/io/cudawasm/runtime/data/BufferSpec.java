package io.cudawasm.runtime.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * How to fill an input buffer: with a generator (zeros, iota, a constant, seeded random numbers)
 * or from data (a file, raw bytes). Elements are little-endian, as on every back end.
 */
public sealed interface BufferSpec {
    /** Upper bound for generated buffers (the CPU device holds at most 2 GiB per job). */
    long MAX_BYTES = 1L << 31;

    /** Number of elements (for data specs, derived from the data). */
    long count(ElementType type);

    byte[] generate(ElementType type);

    /** The same kind of content with another element count (data keeps its bytes). */
    default BufferSpec withCount(long n) {
        if (this instanceof Zeros) {
            return new Zeros(n);
        } else if (this instanceof Iota i) {
            return new Iota(n, i.start(), i.step());
        } else if (this instanceof Constant c) {
            return new Constant(n, c.value());
        } else if (this instanceof Random r) {
            return new Random(n, r.seed(), r.min(), r.max());
        } else if (this instanceof Modulo m) {
            return new Modulo(n, m.modulus(), m.start());
        } else if (this instanceof Affine a) {
            return new Affine(n, a.scale(), a.offset(), a.period());
        }
        return this;
    }

    record Zeros(long count) implements BufferSpec {
        @Override
        public long count(ElementType type) {
            return count;
        }

        @Override
        public byte[] generate(ElementType type) {
            return new byte[bytes(count, type)];
        }
    }

    /** start, start + step, start + 2 step, ... */
    record Iota(long count, double start, double step) implements BufferSpec {
        @Override
        public long count(ElementType type) {
            return count;
        }

        @Override
        public byte[] generate(ElementType type) {
            ByteBuffer b = buffer(count, type);
            boolean exactInts = !type.isFloating() && start == Math.rint(start) && step == Math.rint(step);
            for (int i = 0; i < count; i++) {
                if (exactInts) {
                    type.putLong(b, i * type.size(), (long) start + i * (long) step);
                } else {
                    type.put(b, i * type.size(), start + i * step);
                }
            }
            return b.array();
        }
    }

    record Constant(long count, double value) implements BufferSpec {
        @Override
        public long count(ElementType type) {
            return count;
        }

        @Override
        public byte[] generate(ElementType type) {
            ByteBuffer b = buffer(count, type);
            for (int i = 0; i < count; i++) {
                type.put(b, i * type.size(), value);
            }
            return b.array();
        }
    }

    /**
     * Uniform random numbers in [min, max) (integers: [min, max]) from a seeded SplittableRandom,
     * so the same spec gives the same data on every machine and back end.
     */
    record Random(long count, long seed, double min, double max) implements BufferSpec {
        @Override
        public long count(ElementType type) {
            return count;
        }

        @Override
        public byte[] generate(ElementType type) {
            ByteBuffer b = buffer(count, type);
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < count; i++) {
                if (type.isFloating()) {
                    type.put(b, i * type.size(), min + (max - min) * r.nextDouble());
                } else {
                    long lo = (long) Math.ceil(min);
                    long hi = (long) Math.floor(max);
                    type.putLong(b, i * type.size(), hi > lo ? lo + r.nextLong(hi - lo + 1) : lo);
                }
            }
            return b.array();
        }
    }

    /** {@code (start + i) mod modulus}: repeating integer patterns (bin indices, keys) without a file. */
    record Modulo(long count, long modulus, long start) implements BufferSpec {
        public Modulo {
            if (modulus <= 0) {
                throw new IllegalArgumentException("mod: the modulus must be positive, is " + modulus);
            }
        }

        @Override
        public long count(ElementType type) {
            return count;
        }

        @Override
        public byte[] generate(ElementType type) {
            ByteBuffer b = buffer(count, type);
            for (int i = 0; i < count; i++) {
                type.putLong(b, i * type.size(), Math.floorMod(start + i, modulus));
            }
            return b.array();
        }
    }

    /**
     * {@code scale * (i mod period) + offset}, computed in double and stored as the element type:
     * ramps, normalized coordinates ({@code affine:N:1/N:0}), sawtooth signals.
     */
    record Affine(long count, double scale, double offset, long period) implements BufferSpec {
        public Affine {
            if (period <= 0) {
                throw new IllegalArgumentException("affine: the period must be positive, is " + period);
            }
        }

        @Override
        public long count(ElementType type) {
            return count;
        }

        @Override
        public byte[] generate(ElementType type) {
            ByteBuffer b = buffer(count, type);
            for (long i = 0; i < count; i++) {
                double v = scale * (i % period) + offset;
                if (type.isFloating()) {
                    type.put(b, (int) i * type.size(), v);
                } else {
                    type.putLong(b, (int) i * type.size(), (long) Math.floor(v));
                }
            }
            return b.array();
        }
    }

    /** Raw little-endian bytes. */
    record Data(byte[] bytes) implements BufferSpec {
        @Override
        public long count(ElementType type) {
            return bytes.length / type.size();
        }

        @Override
        public byte[] generate(ElementType type) {
            if (bytes.length % type.size() != 0) {
                throw new IllegalArgumentException(bytes.length + " bytes are not a whole number of " + type.cName()
                        + " elements");
            }
            return bytes;
        }
    }

    static Data file(Path p) {
        try {
            long size = Files.size(p);
            if (size > MAX_BYTES) {
                throw new IllegalArgumentException("input file " + p + " is larger than 2 GiB");
            }
            return new Data(Files.readAllBytes(p));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read input file " + p + ": " + e.getMessage(), e);
        }
    }

    private static int bytes(long count, ElementType type) {
        long n = count * type.size();
        if (count < 0 || n > MAX_BYTES - 8) {
            throw new IllegalArgumentException("buffer of " + count + " " + type.cName() + " elements is too large");
        }
        return (int) n;
    }

    private static ByteBuffer buffer(long count, ElementType type) {
        return ByteBuffer.allocate(bytes(count, type)).order(ByteOrder.LITTLE_ENDIAN);
    }
}
